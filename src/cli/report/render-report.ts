/**
 * The fit report as one self-contained HTML5 document: a header with the
 * fit's settings, one card per feature (running statistics across batches
 * and epochs, histograms of the raw and normalized sample), and the final
 * state as a table. Inline CSS and SVG only; the one small script adds hover
 * read-outs and is not needed to see anything. Nothing is fetched.
 */
import { escapeHtml } from './escape-html.js';
import { featureId, renderFeatureCard } from './feature-card.js';
import { formatCount } from './format-number.js';
import type { ReportData } from '../../pipeline/report-types.js';
import { REPORT_SCRIPT } from './report-script.js';
import { REPORT_CSS } from './report-style.js';
import { renderSettings } from './settings-summary.js';
import { renderStateTable } from './state-table.js';

/** An ISO 8601 time as "2025-01-31 14:05:09 UTC" (or as given when it is not one). */
export function formatGenerated(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (!m) return iso;
  const zone = m[3] === undefined ? '' : m[3] === 'Z' ? ' UTC' : ` ${m[3]}`;
  return `${m[1]} ${m[2]}${zone}`;
}

/** Links to every feature's card. */
function featureNav(data: ReportData): string {
  if (data.features.length < 2) return '';
  const links = data.features.map((f, i) => `<a href="#${featureId(i)}" title="${escapeHtml(f.name)}">${escapeHtml(f.name)}</a>`);
  return `<nav class="feature-nav" aria-label="Features">${links.join('')}</nav>`;
}

/** The report for `data` as a complete HTML5 document. */
export function renderReport(data: ReportData): string {
  const title = data.title || 'bn1d fit report';
  const features = data.features.length
    ? data.features.map((f, i) => renderFeatureCard(f, i, data)).join('\n')
    : '<p class="card empty-note">The state has no features.</p>';
  const generated = `<time datetime="${escapeHtml(data.generated)}">${escapeHtml(formatGenerated(data.generated))}</time>`;
  const featureCount = `${formatCount(data.features.length)} feature${data.features.length === 1 ? '' : 's'}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="bn1d ${escapeHtml(data.version)}">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<header class="page-head">
<div><p class="brand">bn1d · BatchNorm1d fit report</p><h1>${escapeHtml(title)}</h1></div>
<p class="meta">${generated} · bn1d ${escapeHtml(data.version)}</p>
</header>
<section class="card settings-card" aria-label="Settings">${renderSettings(data.settings, data.features.length)}</section>
<h2 class="section-title">Features · ${escapeHtml(featureCount)}</h2>
${featureNav(data)}
${features}
<h2 class="section-title" id="state">Final state</h2>
<section class="card state-card" aria-label="Final state">${renderStateTable(data.features)}</section>
<footer class="page-foot">Made by bn1d ${escapeHtml(data.version)}. This file is self-contained: it loads nothing from the network.</footer>
</main>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
