/** `bn1d report`: an HTML report of a fitted state, with histograms of the values of the inputs given. */
import { Command } from 'commander';
import { readStateFile } from '../io/files/state-file.js';
import { InputSeries } from '../pipeline/input-series.js';
import { buildReport, SampleCollector } from '../pipeline/report-data.js';
import { resolveSources } from '../pipeline/sources.js';
import { inputName } from '../io/dataset/open-input.js';
import { httpSession } from '../pipeline/options.js';
import { headerOption, requestHeaders } from './headers.js';
import type { Io } from './io.js';
import { flagSpelling } from './spelling.js';
import { outputTarget } from './output-target.js';
import { checkReportTarget, writeReport } from './report-file.js';
import { packageVersion } from './version.js';

const EXAMPLES = `
Examples:
  $ bn1d report stats.json train.parquet -o stats.html
  $ bn1d report stats.json -o trajectory.html          # no histograms without an input`;

/** Parsed flags of `bn1d report`. */
export interface ReportFlags {
  output: string;
  /** Request headers for http(s) inputs, as `Name: value`. */
  header?: string[];
}

/** Writes the report of the state at `statePath`, sampling the values of `inputs`. */
export async function runReport(statePath: string, inputs: string[], options: ReportFlags, io: Io): Promise<void> {
  // Resolving opens nothing: the files are known before the report target is checked.
  const http = httpSession(requestHeaders(options.header), flagSpelling);
  const sources = inputs.length ? await resolveSources(inputs, io.stdin, http) : undefined;
  const files = sources?.sources.flatMap((s) => (s.path === undefined ? [] : [s.path])) ?? [];
  checkReportTarget(options.output, [statePath, ...files], '-o');
  const state = await readStateFile(statePath);
  let samples: SampleCollector | undefined;
  if (sources) {
    const series = new InputSeries(sources, false);
    samples = new SampleCollector(state.features.length);
    try {
      for await (const chunk of series.pass(state.features)) samples.add(chunk);
    } finally {
      await series.close();
      sources.dispose();
    }
  }
  const about = inputs.length ? ` over ${inputs.map(inputName).join(', ')}` : '';
  await writeReport(outputTarget(options.output, io), buildReport(state, samples, `bn1d report of ${statePath}${about}`, packageVersion()));
}

/** The `report` command. */
export function reportCommand(io: Io): Command {
  return new Command('report')
    .description('write an HTML report of a state: running statistics along the fit, histograms of the inputs\' values, the final state')
    .argument('<state>', 'state file written by bn1d fit')
    .argument('[input...]', "inputs whose values the histograms show: files, dataset folders, quoted globs or http(s) URLs ('-' = stdin)")
    .option('-o, --output <path>', "the HTML file to write ('-' = stdout); an existing one is replaced only if bn1d wrote it", 'report.html')
    .addOption(headerOption())
    .addHelpText('after', EXAMPLES)
    .action((statePath: string, inputs: string[], options: ReportFlags) => runReport(statePath, inputs, options, io));
}
