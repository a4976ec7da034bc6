/**
 * The final table of a report: the state of every feature (running mean,
 * its standard deviation, running variance, weight and bias), with exact
 * values as tooltips and names linking to the feature's card.
 */
import { escapeHtml } from './escape-html.js';
import { featureId, numberCell, stdOf } from './feature-card.js';
import { digitsFor } from './format-number.js';
import type { FeatureReport } from '../../pipeline/report-types.js';

/** The `<table class="state">` of the final state. */
export function renderStateTable(features: readonly FeatureReport[]): string {
  const head = ['#', 'feature', 'mean', 'std', 'var', 'weight', 'bias']
    .map((h, i) => `<th scope="col"${i === 1 ? '' : ' class="num-col"'}>${h}</th>`)
    .join('');
  const rows = features.map((f, i) => {
    const std = stdOf(f.runningVar);
    const cells = [numberCell(f.runningMean, digitsFor(f.runningMean, std, 6)), ...[std, f.runningVar, f.weight, f.bias].map((v) => numberCell(v))].map((c) => `<td class="num-col">${c}</td>`);
    return `<tr><td class="num-col idx">${i + 1}</td><th scope="row"><a href="#${featureId(i)}">${escapeHtml(f.name)}</a></th>${cells.join('')}</tr>`;
  });
  const caption = '<caption>Final state. std is √running_var; eval mode divides by √(running_var + eps). Hover a value for its exact float64.</caption>';
  return `<div class="table-wrap"><table class="state">${caption}<thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
