/** The report's stylesheet: system fonts, cards, and the colors of every chart element (light and dark). */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f3f5f9; --card: #ffffff; --ink: #172033; --muted: #556072; --faint: #8792a4;
  --line: #e2e6ee; --grid: #eceff4; --axis: #a3acba; --chip: #eef1f6;
  --mean: #4f46e5; --var: #d9480f; --raw: #64748b; --norm: #0d9488; --curve: #e11d48;
  --mean-soft: rgba(79, 70, 229, 0.09); --var-soft: rgba(217, 72, 15, 0.09);
  --band: rgba(100, 116, 139, 0.075); --accent: #4338ca;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f141c; --card: #171e29; --ink: #e6eaf1; --muted: #a4aebd; --faint: #7b8798;
    --line: #263142; --grid: #212b3a; --axis: #4d5a6e; --chip: #212b3a;
    --mean: #8b85ff; --var: #ff8a4c; --raw: #94a3b8; --norm: #2dd4bf; --curve: #fb7185;
    --mean-soft: rgba(139, 133, 255, 0.14); --var-soft: rgba(255, 138, 76, 0.13);
    --band: rgba(148, 163, 184, 0.08); --accent: #a5b4fc;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif;
}
main { max-width: 1240px; margin: 0 auto; padding: 32px 24px 40px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
ul.inputs, .feature-name, table.state th[scope="row"] {
  font-family: ui-monospace, "SF Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
.page-head { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 8px 24px; margin-bottom: 18px; }
.page-head h1 { font-size: 26px; line-height: 1.2; margin: 0; letter-spacing: -0.015em; overflow-wrap: anywhere; }
.page-head .brand { font-size: 12px; font-weight: 600; letter-spacing: 0.08em; text-transform: uppercase; color: var(--accent); margin: 0 0 4px; }
.meta { color: var(--muted); font-size: 13px; margin: 0; }
.card, .feature {
  background: var(--card); border: 1px solid var(--line); border-radius: 14px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04), 0 4px 16px rgba(16, 24, 40, 0.03); padding: 18px 22px;
}
h2.section-title { font-size: 13px; font-weight: 600; letter-spacing: 0.07em; text-transform: uppercase; color: var(--muted); margin: 30px 0 10px; }
.settings { display: grid; grid-template-columns: repeat(auto-fill, minmax(175px, 1fr)); gap: 16px 26px; margin: 0; }
.setting dt { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.06em; color: var(--faint); }
.setting dd { margin: 2px 0 0; font-weight: 600; font-size: 16px; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.setting .detail { display: block; font-weight: 400; font-size: 12px; color: var(--muted); }
.inputs-setting { grid-column: span 2; }
ul.inputs { list-style: none; margin: 0; padding: 0; font-size: 13px; font-weight: 500; }
ul.inputs li { overflow-wrap: anywhere; }
details summary { cursor: pointer; font-size: 12px; font-weight: 400; color: var(--accent); }
nav.feature-nav { display: flex; flex-wrap: wrap; gap: 6px; }
nav.feature-nav a {
  background: var(--card); border: 1px solid var(--line); border-radius: 999px; padding: 2px 11px;
  font-size: 12.5px; color: var(--ink); max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
}
nav.feature-nav a:hover { border-color: var(--accent); text-decoration: none; }
.feature { margin-top: 16px; scroll-margin-top: 12px; }
.feature-head {
  display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 6px 24px;
  border-bottom: 1px solid var(--line); padding-bottom: 10px; margin-bottom: 14px;
}
.feature-head h2 { font-size: 17px; margin: 0; display: flex; gap: 10px; align-items: baseline; min-width: 0; }
.feature-index { font-size: 12px; color: var(--muted); font-weight: 600; background: var(--chip); border-radius: 6px; padding: 1px 7px; font-variant-numeric: tabular-nums; }
.feature-name { overflow-wrap: anywhere; font-weight: 600; }
.feature-stats { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0; font-size: 13px; }
.feature-stats div { display: flex; gap: 6px; }
.feature-stats dt { color: var(--faint); }
.feature-stats dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.feature-charts { display: grid; grid-template-columns: minmax(0, 1.12fr) minmax(0, 1fr); gap: 18px; align-items: start; }
.histograms { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px; }
@media (max-width: 980px) { .feature-charts { grid-template-columns: minmax(0, 1fr); } }
@media (max-width: 560px) { .histograms { grid-template-columns: minmax(0, 1fr); } .inputs-setting { grid-column: auto; } }
figure { margin: 0; position: relative; min-width: 0; }
figcaption { margin-top: 4px; }
.figure-title { margin: 0 0 6px; font-size: 11.5px; font-weight: 600; color: var(--muted); }
svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
.legend { margin: 0; display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 12px; color: var(--muted); }
.key { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 16px; height: 3px; border-radius: 2px; }
.swatch.mean { background: var(--mean); }
.swatch.var { background: var(--var); }
.swatch.final { height: 0; border-top: 2px dashed var(--faint); border-radius: 0; }
.swatch.band { height: 10px; background: linear-gradient(90deg, var(--mean-soft) 50%, var(--var-soft) 50%); }
.swatch.epoch { height: 10px; background: var(--band); outline: 1px dashed var(--axis); outline-offset: -1px; }
.swatch.bar-raw { height: 10px; width: 10px; background: var(--raw); }
.swatch.bar-normalized { height: 10px; width: 10px; background: var(--norm); opacity: 0.85; }
.swatch.curve { background: var(--curve); }
.caption { font-size: 12px; color: var(--muted); margin: 3px 0 0; font-variant-numeric: tabular-nums; }
.note {
  margin: 0; min-height: 140px; display: flex; align-items: center; justify-content: center; text-align: center;
  border: 1px dashed var(--line); border-radius: 10px; color: var(--faint); font-size: 13px; font-style: italic; padding: 12px;
}
svg text { font-family: inherit; fill: var(--muted); }
svg .tick { font-size: 10.5px; fill: var(--faint); font-variant-numeric: tabular-nums; }
svg .axis-title { font-size: 11px; fill: var(--muted); }
svg .panel-title { font-size: 11.5px; font-weight: 600; }
svg .panel-title.mean { fill: var(--mean); }
svg .panel-title.var { fill: var(--var); }
svg .panel-title.raw { fill: var(--raw); }
svg .panel-title.normalized { fill: var(--norm); }
svg .note { font-size: 12px; fill: var(--faint); font-style: italic; }
svg .grid { stroke: var(--grid); stroke-width: 1; }
svg .axis { stroke: var(--axis); stroke-width: 1; }
svg .series { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
svg .series.mean { stroke: var(--mean); }
svg .series.var { stroke: var(--var); }
svg .series.dot { stroke: none; }
svg .series.dot.mean { fill: var(--mean); }
svg .series.dot.var { fill: var(--var); }
svg .final-line { stroke: var(--faint); stroke-width: 1; stroke-dasharray: 4 3; }
svg .settle-band.mean { fill: var(--mean-soft); }
svg .settle-band.var { fill: var(--var-soft); }
svg .settle-mark { fill: var(--card); stroke-width: 2; }
svg .settle-mark.mean { stroke: var(--mean); }
svg .settle-mark.var { stroke: var(--var); }
svg .epoch-band { fill: var(--band); }
svg .epoch-line { stroke: var(--axis); stroke-width: 1; stroke-dasharray: 3 3; }
svg .epoch-label { font-size: 10px; fill: var(--faint); }
svg .bar.raw { fill: var(--raw); opacity: 0.7; }
svg .bar.normalized { fill: var(--norm); opacity: 0.78; }
svg .bar:hover { opacity: 1; }
svg .normal-curve { fill: none; stroke: var(--curve); stroke-width: 1.75; }
svg .hover-line { stroke: var(--ink); stroke-opacity: 0.3; stroke-width: 1; }
svg .hover-dot { stroke: var(--card); stroke-width: 1.5; }
svg .hover-dot.mean { fill: var(--mean); }
svg .hover-dot.var { fill: var(--var); }
.tip {
  position: absolute; z-index: 2; pointer-events: none; white-space: pre; font-size: 12px; line-height: 1.45;
  background: var(--ink); color: var(--card); padding: 6px 9px; border-radius: 7px; box-shadow: 0 6px 18px rgba(0, 0, 0, 0.18);
  font-variant-numeric: tabular-nums;
}
.table-wrap { overflow-x: auto; }
table.state { width: 100%; border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
table.state th, table.state td { padding: 7px 12px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: baseline; }
table.state thead th { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.06em; color: var(--faint); }
table.state th[scope="row"] { font-weight: 500; overflow-wrap: anywhere; }
table.state .num-col { text-align: right; white-space: nowrap; }
table.state td.idx { color: var(--faint); }
table.state tbody tr:last-child > * { border-bottom: 0; }
table.state tbody tr:hover { background: var(--bg); }
table.state caption { caption-side: bottom; text-align: left; font-size: 12px; color: var(--muted); padding-top: 12px; }
.empty-note { color: var(--muted); font-style: italic; margin: 0; }
footer.page-foot { color: var(--faint); font-size: 12px; margin-top: 28px; text-align: center; }
@media print {
  body { background: #fff; }
  .feature, .card { break-inside: avoid; box-shadow: none; }
  .tip { display: none; }
}
`;
