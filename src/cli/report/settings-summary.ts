/**
 * The summary at the top of a report: the fit's settings (inputs, rows,
 * batch size, epochs, momentum or cumulative average, eps, shuffle) as a
 * grid of labelled values.
 */
import { escapeHtml } from './escape-html.js';
import { formatCount, formatExact, formatNumber } from './format-number.js';
import type { ReportSettings } from '../../pipeline/report-types.js';

/** Batches per epoch for a row count and batch size (a short last batch counts unless dropped); null when either is unknown. */
export function batchesPerEpoch(rows: number | undefined, batchSize: number | undefined, dropLast: boolean | undefined): number | null {
  if (rows === undefined || batchSize === undefined || !(batchSize > 0) || !(rows >= 0) || !Number.isFinite(rows)) return null;
  return dropLast ? Math.floor(rows / batchSize) : Math.ceil(rows / batchSize);
}

/** The number of batches after which an EMA with this momentum weights its older state by one half. */
export function halfLife(momentum: number): number {
  return momentum >= 1 ? 0 : Math.log(2) / -Math.log1p(-momentum);
}

/** How the running statistics are averaged, in words. */
export function momentumText(momentum: number | null): { value: string; detail: string } {
  if (momentum === null) return { value: 'cumulative average', detail: 'every batch weighs the same (momentum none)' };
  if (!(momentum > 0) || !Number.isFinite(momentum)) return { value: formatNumber(momentum), detail: '' };
  if (momentum >= 1) return { value: formatNumber(momentum), detail: 'the last batch replaces the state' };
  return { value: formatNumber(momentum, 6), detail: `EMA, half-life ≈ ${formatNumber(halfLife(momentum), 3)} batches` };
}

function item(label: string, value: string, detail = '', title = ''): string {
  const t = title ? ` title="${escapeHtml(title)}"` : '';
  const d = detail ? `<span class="detail">${escapeHtml(detail)}</span>` : '';
  return `<div class="setting"><dt>${escapeHtml(label)}</dt><dd${t}>${escapeHtml(value)}${d}</dd></div>`;
}

const optionalCount = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatCount(v));

/** The inputs, the first few shown and the rest behind a disclosure. */
function inputsItem(inputs: readonly string[]): string {
  const list = (names: readonly string[]) => names.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  const label = inputs.length === 1 ? 'input' : `inputs (${formatCount(inputs.length)})`;
  if (inputs.length === 0) return item('inputs', '—');
  const shown = inputs.slice(0, 3);
  const rest = inputs.slice(3);
  const more = rest.length ? `<details><summary>${formatCount(rest.length)} more</summary><ul class="inputs">${list(rest)}</ul></details>` : '';
  return `<div class="setting inputs-setting"><dt>${escapeHtml(label)}</dt><dd><ul class="inputs">${list(shown)}</ul>${more}</dd></div>`;
}

/** The settings grid, with the number of features. */
export function renderSettings(s: ReportSettings, features: number): string {
  const perEpoch = batchesPerEpoch(s.rows, s.batchSize, s.dropLast);
  const m = momentumText(s.momentum);
  const items = [
    inputsItem(s.inputs),
    item('rows per epoch', optionalCount(s.rows)),
    item('features', formatCount(features)),
    item('batch size', optionalCount(s.batchSize), perEpoch === null ? '' : `${formatCount(perEpoch)} batches per epoch${s.dropLast ? ', last short batch dropped' : ''}`),
    item('epochs', optionalCount(s.epochs), s.numBatchesTracked === null ? '' : `${formatCount(s.numBatchesTracked)} batches tracked`),
    item('momentum', m.value, m.detail, s.momentum === null ? '' : formatExact(s.momentum)),
    item('eps', formatNumber(s.eps, 6), '', formatExact(s.eps)),
    item('affine', s.affine ? 'yes' : 'no', s.affine ? 'weight and bias' : 'weight and bias are null'),
    item('shuffle', s.shuffle ? `seed ${formatExact(s.shuffle.seed)}` : 'none', s.shuffle ? `buffer of ${formatCount(s.shuffle.buffer)} rows` : 'rows in file order'),
  ];
  return `<dl class="settings">${items.join('')}</dl>`;
}
