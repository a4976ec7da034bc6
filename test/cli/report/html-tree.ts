/**
 * A strict little HTML parser for generated reports: it refuses markup a
 * browser would have to repair (unclosed or misnested elements, a stray "<"
 * or "&" in text or attributes) and returns a tree to query.
 */

export interface HtmlNode {
  name: string;
  attrs: Map<string, string>;
  children: HtmlNode[];
  /** Decoded text directly inside this element. */
  text: string;
  parent: HtmlNode | null;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW = new Set(['script', 'style']);
const ENTITY = /&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos|nbsp);/giy;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes character references, refusing an "&" that does not start one. */
export function decode(text: string, where: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '&') {
      out += text[i];
      continue;
    }
    ENTITY.lastIndex = i;
    const m = ENTITY.exec(text);
    if (!m) throw new Error(`bare "&" in ${where}: ${JSON.stringify(text.slice(i, i + 20))}`);
    const ref = m[1]!;
    out += ref[0] === '#' ? String.fromCodePoint(ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)) : NAMED[ref.toLowerCase()]!;
    i += m[0].length - 1;
  }
  return out;
}

const TAG = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'))?)*)\s*(\/?)>/y;
const ATTR = /\s+([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?/gy;

/** Parses a whole document; throws on anything malformed. */
export function parseHtml(html: string): HtmlNode {
  const root: HtmlNode = { name: '#root', attrs: new Map(), children: [], text: '', parent: null };
  let node = root;
  let i = 0;
  const doctype = /^\s*<!DOCTYPE html>/i.exec(html);
  if (!doctype) throw new Error('missing <!DOCTYPE html>');
  i = doctype[0].length;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const text = html.slice(i, lt < 0 ? html.length : lt);
    if (text.includes('>')) throw new Error(`stray ">" in text near ${JSON.stringify(text.slice(0, 40))}`);
    node.text += decode(text, `text of <${node.name}>`);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    TAG.lastIndex = lt;
    const m = TAG.exec(html);
    if (!m) throw new Error(`stray "<" near ${JSON.stringify(html.slice(lt, lt + 40))}`);
    const [whole, closing, rawName, rawAttrs, selfClosing] = m as unknown as [string, string, string, string, string];
    const name = rawName.toLowerCase();
    i = lt + whole.length;
    if (closing) {
      if (node.name !== name) throw new Error(`</${name}> closes <${node.name}>`);
      node = node.parent!;
      continue;
    }
    const attrs = new Map<string, string>();
    ATTR.lastIndex = 0;
    for (const a of rawAttrs.matchAll(ATTR)) {
      const key = a[1]!.toLowerCase();
      if (attrs.has(key)) throw new Error(`duplicate attribute ${key} on <${name}>`);
      attrs.set(key, decode(a[2] ?? a[3] ?? '', `attribute ${key} of <${name}>`));
    }
    const element: HtmlNode = { name, attrs, children: [], text: '', parent: node };
    node.children.push(element);
    if (VOID.has(name) || selfClosing) continue;
    if (RAW.has(name)) {
      const end = html.toLowerCase().indexOf(`</${name}>`, i);
      if (end < 0) throw new Error(`unterminated <${name}>`);
      element.text = html.slice(i, end);
      i = end + name.length + 3;
      continue;
    }
    node = element;
  }
  if (node !== root) throw new Error(`<${node.name}> is never closed`);
  return root;
}

/** Every element under `node` (depth first) that satisfies `test`. */
export function findAll(node: HtmlNode, test: (n: HtmlNode) => boolean): HtmlNode[] {
  const out: HtmlNode[] = [];
  const walk = (n: HtmlNode) => {
    for (const c of n.children) {
      if (test(c)) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/** Whether the element's class attribute holds every one of these classes. */
export function hasClass(n: HtmlNode, ...classes: string[]): boolean {
  const list = (n.attrs.get('class') ?? '').split(/\s+/);
  return classes.every((c) => list.includes(c));
}

/** All text under a node, decoded. */
export function textOf(n: HtmlNode): string {
  return n.text + n.children.map(textOf).join('');
}

/** Parses a fragment (such as one `<svg>`) with the same strictness. */
export function parseFragment(html: string): HtmlNode {
  return parseHtml(`<!DOCTYPE html>${html}`);
}
