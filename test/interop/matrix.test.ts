/**
 * The writer × reader matrix, black box: tables of every type Polars, DuckDB
 * and apache-arrow write (100,000 rows, nulls in every column), in each
 * format they write, go through `bn1d fit -m none` and `bn1d apply` to
 * Parquet, an Arrow IPC file and an Arrow IPC stream; each output is read
 * back by every reader that reads both it and the input, and compared with
 * the input as that reader reads it. One test per cell:
 * "<writer> <input> → <output>, read by <reader>". Types Parquet has no
 * form for (unions, Arrow intervals) are in a table of their own, whose
 * Parquet output must be refused.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { bn1d, fails } from '../helpers/cli.js';
import { cellProblems, type StateFile } from './cell-problems.js';
import { FEATURES } from './columns.js';
import { type Frame, PolarsFrame, READERS, type Reader } from './readers.js';
import { type Format, type Input, INPUTS, NO_PARQUET, notPolars, textInArrow, writeInputs } from './writers.js';

const OUTPUTS: { label: string; format: Format }[] = [
  { label: 'parquet', format: 'parquet' },
  { label: 'arrow file', format: 'arrow' },
  { label: 'arrow stream', format: 'arrows' },
];

const dir = mkdtempSync(join(tmpdir(), 'bn1d-matrix-'));
beforeAll(() => writeInputs(dir), 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Promises per key, each made once (a failure is then every cell's failure, with the same reason). */
class Once<T> {
  private readonly made = new Map<string, Promise<T>>();
  constructor(private readonly make: (key: string) => Promise<T>) {}
  get(key: string): Promise<T> {
    if (!this.made.has(key)) this.made.set(key, this.make(key));
    return this.made.get(key)!;
  }
  /** Starts making `key` without waiting for it. */
  start(key: string): void {
    this.get(key).catch(() => undefined);
  }
  forget(prefix: string): void {
    for (const key of this.made.keys()) if (key.startsWith(prefix)) this.made.delete(key);
  }
}

async function run(args: string[]): Promise<void> {
  const result = await bn1d(args, { timeoutMs: 180_000 });
  if (result.code !== 0 || result.stderr !== '') throw new Error(`bn1d ${args[0]} exited ${result.code}: ${result.stderr.trim()}`);
}

const byFile = new Map(INPUTS.map((input) => [input.file, input]));
const outputPath = (file: string, format: Format) => join(dir, `out-${file}.${format}`);

const fitted = new Once(async (file) => {
  const state = join(dir, `${file}.json`);
  await run(['fit', join(dir, file), '-c', FEATURES.join(','), '-m', 'none', '-s', state]);
  return JSON.parse(readFileSync(state, 'utf8')) as StateFile;
});

/** Outputs by `file|format`. */
const applied = new Once(async (key) => {
  const [file, format] = key.split('|') as [string, Format];
  await fitted.get(file);
  await run(['apply', join(dir, file), '-s', join(dir, `${file}.json`), '-o', outputPath(file, format)]);
});

/** Inputs as each reader reads them, by `file|reader`. */
const inputFrames = new Once(async (key): Promise<Frame> => {
  const [file, name] = key.split('|') as [string, string];
  const input = byFile.get(file)!;
  return READERS.find((r) => r.name === name)!.open(join(dir, file), input.format, name === 'polars' ? notPolars(input.writer) : []);
});

/** The input as `reader` reads it, to compare with an output of `format`. */
async function inputAs(input: Input, reader: Reader): Promise<Frame> {
  const frame = await inputFrames.get(`${input.file}|${reader.name}`);
  // Every output has an Arrow schema (Parquet ones in ARROW:schema), which says these columns are strings.
  return frame instanceof PolarsFrame && input.format === 'parquet' ? frame.withStrings(textInArrow(input.writer)) : frame;
}

const refused = (input: Input, format: Format) => input.noParquet && format === 'parquet';
const readsInput = (reader: Reader, input: Input) => reader.reads(input.format) && (!input.readBy || input.readBy.includes(reader.name));
const cells = INPUTS.flatMap((input) =>
  OUTPUTS.filter((output) => !refused(input, output.format)).flatMap((output) =>
    READERS.filter((r) => readsInput(r, input) && r.reads(output.format)).map((reader) => ({ input, output, reader })),
  ),
);
const outputs = [...new Set(cells.map(({ input, output }) => `${input.file}|${output.format}`))];
/** Cells left to run per output and per input: the last one removes the output, or forgets the input's frames. */
const left = new Map<string, number>();
for (const { input, output } of cells) for (const key of [`${input.file}|${output.format}`, input.file]) left.set(key, (left.get(key) ?? 0) + 1);
const done = (key: string) => left.set(key, left.get(key)! - 1).get(key) === 0;

async function check(input: Input, format: Format, reader: Reader): Promise<string[]> {
  const key = `${input.file}|${format}`;
  try {
    const state = await fitted.get(input.file);
    try {
      await applied.get(key);
    } finally {
      // The next output is made while this one is read: bn1d on one core, the readers on the other.
      const next = outputs[outputs.indexOf(key) + 1];
      if (next) applied.start(next);
    }
    const output = await reader.open(outputPath(input.file, format), format, reader.name === 'polars' ? notPolars(input.writer) : []);
    return await cellProblems(reader, await inputAs(input, reader), output, state);
  } finally {
    if (done(key)) rmSync(outputPath(input.file, format), { force: true });
    if (done(input.file)) inputFrames.forget(`${input.file}|`);
  }
}

for (const { input, output, reader } of cells) {
  test(`${input.writer} ${input.label} → ${output.label}, read by ${reader.name}`, async () => {
    expect(await check(input, output.format, reader)).toEqual([]);
  }, 300_000);
}

for (const input of INPUTS.filter((i) => refused(i, 'parquet'))) {
  test(`${input.writer} ${input.label} → parquet: refused in one line naming a column Parquet has no type for`, async () => {
    await fitted.get(input.file);
    const out = outputPath(input.file, 'parquet');
    await fails(['apply', join(dir, input.file), '-s', join(dir, `${input.file}.json`), '-o', out], 1, new RegExp(`"(${NO_PARQUET.join('|')})"`));
    expect(existsSync(out)).toBe(false);
  });
}
