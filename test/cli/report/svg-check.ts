/** Checks that charts hold only valid, finite coordinates that stay inside their viewBox. */
import { findAll, type HtmlNode } from './html-tree.js';

const NUMBER = /^-?\d+(\.\d+)?$/;
const SCALARS = ['x', 'y', 'width', 'height', 'cx', 'cy', 'r', 'x1', 'x2', 'y1', 'y2'];

/** Every coordinate in the svg elements under root; throws on one that is not a plain finite number or lies outside its svg's viewBox (with `slack` units to spare). */
export function checkSvgCoordinates(root: HtmlNode, slack = 2): number {
  let checked = 0;
  for (const svg of findAll(root, (n) => n.name === 'svg')) {
    const box = (svg.attrs.get('viewbox') ?? '').split(' ').map(Number);
    if (box.length !== 4 || !box.every(Number.isFinite)) throw new Error(`bad viewBox ${svg.attrs.get('viewbox')}`);
    const [, , w, h] = box as [number, number, number, number];
    const inside = (v: number, max: number, what: string) => {
      if (!(v >= -slack && v <= max + slack)) throw new Error(`${what} = ${v} outside 0..${max}`);
      checked++;
    };
    for (const el of findAll(svg, () => true)) {
      for (const key of SCALARS) {
        const v = el.attrs.get(key);
        if (v === undefined) continue;
        if (!NUMBER.test(v)) throw new Error(`<${el.name} ${key}="${v}">`);
        if (el.attrs.get('visibility') === 'hidden') continue;
        if (key === 'r') inside(Number(v), 20, `${el.name}.r`);
        else inside(Number(v), key.startsWith('x') || key === 'cx' || key === 'width' ? w : h, `${el.name}.${key}`);
      }
      const points = el.attrs.get('points');
      if (points !== undefined) {
        for (const pair of points.split(' ')) {
          const [x, y, extra] = pair.split(',');
          if (extra !== undefined || !NUMBER.test(x ?? '') || !NUMBER.test(y ?? '')) throw new Error(`bad point "${pair}"`);
          inside(Number(x), w, 'point.x');
          inside(Number(y), h, 'point.y');
        }
      }
      const d = el.attrs.get('d');
      if (d !== undefined) {
        if (!/^(?:[ML]-?\d+(?:\.\d+)? -?\d+(?:\.\d+)?)+$/.test(d)) throw new Error(`bad path "${d.slice(0, 60)}"`);
        for (const m of d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)) {
          inside(Number(m[1]), w, 'path.x');
          inside(Number(m[2]), h, 'path.y');
        }
      }
    }
  }
  return checked;
}
