/**
 * The report in a real browser: Debian's Chromium, headless, loads reports
 * of made-up fits from disk, and the rendered DOM and a screenshot are
 * checked. Chromium is required: without it these tests fail and say how
 * to install it.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import type { ReportData } from '../../../src/pipeline/report-types.js';
import { renderReport } from '../../../src/cli/report/render-report.js';
import { chromium } from '../../helpers/chromium.js';
import { decode } from './html-tree.js';
import { decodePng, pixel } from './png.js';
import { makeReportData } from './report-samples.js';

const scratch = mkdtempSync(join(tmpdir(), 'bn1d-report-browser-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes the report of `data` and returns its file URL. */
function writeReport(name: string, data: ReportData): string {
  const path = join(scratch, `${name}.html`);
  writeFileSync(path, renderReport(data));
  return pathToFileURL(path).href;
}

const cases: [string, ReportData][] = [
  ['momentum', (() => {
    const d = makeReportData({ momentum: 0.1, epochs: 3, seed: 11 });
    d.settings.shuffle = { seed: 42, buffer: 10000 };
    return d;
  })()],
  ['cumulative', makeReportData({ momentum: null, epochs: 2, seed: 5 })],
];

describe('the report in Chromium', () => {
  test.each(cases)('%s: the rendered page has every feature with its charts, the table, and the hover script ran', async (name, data) => {
    const dom = await chromium(['--dump-dom', writeReport(name, data)]);
    const features = [...dom.matchAll(/<section class="feature" data-feature="([^"]*)"/g)].map((m) => decode(m[1]!, 'data-feature'));
    expect(features).toEqual(data.features.map((f) => f.name));
    const parts = dom.split(/<section class="feature" /).slice(1);
    for (const part of parts) {
      const card = part.slice(0, part.indexOf('</section>'));
      expect(card.match(/<svg class="chart trajectory"/g)).toHaveLength(1);
      expect(card.match(/<svg class="chart histogram"/g)).toHaveLength(2);
      expect(card.match(/<polyline class="series mean"/g)?.length).toBeGreaterThanOrEqual(1);
      expect(card.match(/<rect class="bar raw"/g)?.length).toBeGreaterThan(3);
    }
    expect(dom.match(/<table class="state">/g)).toHaveLength(1);
    expect(dom.match(/<div class="tip" hidden="">/g)).toHaveLength(data.features.length);
  }, 120_000);

  test('hovering a trajectory shows the batch, its epoch and both statistics there', async () => {
    const data = cases[0]![1];
    const path = join(scratch, 'hover.html');
    // After the report's own script: move the pointer over the middle of the first chart.
    const probe = `<script>
      const svg = document.querySelector('svg.trajectory');
      const box = svg.getBoundingClientRect();
      svg.dispatchEvent(new PointerEvent('pointermove', { clientX: box.left + box.width * 0.6, clientY: box.top + box.height / 2, bubbles: true }));
      document.body.setAttribute('data-hover-line', svg.querySelector('.hover-line').getAttribute('visibility'));
    </script>`;
    writeFileSync(path, renderReport(data).replace('</body>', `${probe}</body>`));
    const dom = await chromium(['--dump-dom', '--window-size=1280,2400', pathToFileURL(path).href]);
    const tip = /<div class="tip"[^>]*>([^<]*)<\/div>/.exec(dom);
    expect(tip?.[0]).not.toContain('hidden');
    expect(tip?.[1]).toMatch(/^batch \d+ · epoch [1-3]\nmean -?[\d.e-]+\nvariance [\d.e-]+$/);
    expect(dom).toContain('data-hover-line="visible"');
  }, 120_000);

  test.each(cases)('%s: a 1280×2400 screenshot shows cards and charts in their colors', async (name, data) => {
    const png = join(scratch, `${name}.png`);
    await chromium([`--screenshot=${png}`, '--window-size=1280,2400', writeReport(`${name}-shot`, data)]);
    expect(statSync(png).size).toBeGreaterThan(50_000);
    const image = decodePng(readFileSync(png));
    expect([image.width, image.height]).toEqual([1280, 2400]);
    const colors = new Map<number, number>();
    let indigo = 0;
    let orange = 0;
    let teal = 0;
    for (let y = 0; y < image.height; y += 2) {
      for (let x = 0; x < image.width; x += 2) {
        const [r, g, b] = pixel(image, x, y);
        const key = ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
        colors.set(key, (colors.get(key) ?? 0) + 1);
        const near = (c: [number, number, number], d: number) => Math.abs(r - c[0]) + Math.abs(g - c[1]) + Math.abs(b - c[2]) <= d;
        if (near([79, 70, 229], 60)) indigo++;
        if (near([217, 72, 15], 60)) orange++;
        if (near([66, 171, 162], 40)) teal++; // normalized bars: #0d9488 at 78% over white
      }
    }
    const samples = (image.width / 2) * (image.height / 2);
    const background = Math.max(...colors.values());
    expect(colors.size).toBeGreaterThan(100);
    expect(background / samples).toBeLessThan(0.8);
    expect(indigo).toBeGreaterThan(300);
    expect(orange).toBeGreaterThan(300);
    expect(teal).toBeGreaterThan(1000);
  }, 120_000);
});
