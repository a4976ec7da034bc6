/**
 * Flags shared by several commands, defined once with their parsers. A
 * parser throws InvalidArgumentError, which the CLI reports as bad usage.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { COMPRESSION_NAMES } from '../io/parquet/codecs.js';
import { DEFAULT_ROW_GROUP_ROWS } from '../io/parquet/row-groups.js';

/** A commander parser of a positive whole number. */
export function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return Number(value);
}

function number(value: string): number {
  const x = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(x)) throw new InvalidArgumentError('expected a number');
  return x;
}

function eps(value: string): number {
  const x = number(value);
  if (x < 0) throw new InvalidArgumentError('expected a number >= 0');
  return x;
}

/** 'none' stays a string: commander turns a parser's null into ''. */
function momentum(value: string): number | 'none' {
  if (value.trim().toLowerCase() === 'none') return 'none';
  const x = Number(value.trim());
  if (value.trim() === '' || !(x > 0 && x <= 1)) throw new InvalidArgumentError('expected a number in (0, 1], or none');
  return x;
}

/** Names separated by commas, where `\,` is a comma inside a name and `\\` a backslash. */
export function splitNames(value: string): string[] {
  const names = [''];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && (value[i + 1] === ',' || value[i + 1] === '\\')) names[names.length - 1] += value[++i];
    else if (c === ',') names.push('');
    else names[names.length - 1] += c;
  }
  return names.map((s) => s.trim());
}

/** A list flag that may be repeated: its lists join, in order. */
function names(value: string, previous: string[] | undefined): string[] {
  const list = [...(previous ?? []), ...splitNames(value)];
  if (list.some((s) => s === '')) throw new InvalidArgumentError('expected comma-separated column names');
  const twice = list.find((s, i) => list.indexOf(s) !== i);
  if (twice !== undefined) throw new InvalidArgumentError(`column "${twice}" is listed twice`);
  return list;
}

/** A --momentum value as the state holds it: 'none' (a cumulative average) is null. */
export function momentumValue<T extends number | undefined>(momentum: T | 'none'): T | null {
  return momentum === 'none' ? null : momentum;
}

/** How list flags take names with commas, for their help. */
export const NAME_LISTS = 'repeatable; \\, is a comma inside a name';
export const columnsOption = () =>
  new Option('-c, --columns <a,b,...>', `feature columns, in channel order (default: every numeric or list-of-numeric column, in schema order; ${NAME_LISTS})`).argParser(names);
export const excludeOption = () => new Option('-x, --exclude <a,b,...>', `leave these columns out of the default selection (${NAME_LISTS})`).argParser(names);
export const batchSizeOption = () => new Option('-b, --batch-size <n>', 'rows per batch').argParser(positiveInteger).default(256);
export const epsOption = () => new Option('--eps <x>', 'added to the variance before the square root (torch: eps)').argParser(eps).default(1e-5);
export const jobsOption = () => new Option('-j, --jobs <n>', 'worker threads (default: one per core); the results are the same for any n').argParser(positiveInteger);
export const epochsOption = () => new Option('-e, --epochs <n>', 'passes over the inputs').argParser(positiveInteger).default(1);
export const momentumOption = () =>
  new Option('-m, --momentum <x|none>', 'EMA factor in (0, 1], or none for a cumulative average (torch: momentum=None)').argParser(momentum).default(0.1);
export const nanOption = () =>
  new Option('--nan <policy>', 'NaN and ±Infinity in a feature: error, or skip them like nulls').choices(['error', 'skip']).default('error');
export const dtypeOption = () =>
  new Option('--dtype <type>', 'type of normalized columns (default: float64 for float64 columns, float32 for all others)').choices(['float32', 'float64']);
export const compressionOption = () =>
  new Option('--compression <codec>', "codec of every page of a Parquet output; lz4 writes LZ4_RAW (default: the input's for Parquet input, else snappy)")
    .choices(COMPRESSION_NAMES);
export const rowGroupSizeOption = () =>
  new Option('--row-group-size <rows>', `rows per row group of a Parquet output (default: the input's row groups for Parquet input, else ${DEFAULT_ROW_GROUP_ROWS})`).argParser(positiveInteger);
export const quietOption = () => new Option('-q, --quiet', 'no progress on stderr');
export const seedOption = () =>
  new Option('--seed <n>', 'seed of the shuffle, 0 to 4294967295 (default: a random one, recorded in the state)').argParser((value: string) => {
    const n = Number(value.trim());
    if (!/^\d+$/.test(value.trim()) || n >= 2 ** 32) throw new InvalidArgumentError('expected an integer from 0 to 4294967295');
    return n;
  });
export const shuffleBufferOption = () =>
  new Option('--shuffle-buffer <rows>', 'rows shuffled together; memory grows with it').argParser((value: string) => {
    const n = positiveInteger(value);
    if (n < 2) throw new InvalidArgumentError('expected at least 2 rows');
    return n;
  }).default(262_144);

/** Whether the user gave an option on the command line (not its default). */
export function given(command: Command, name: string): boolean {
  return command.getOptionValueSource(name) === 'cli';
}
