/**
 * What one cell of the matrix checks, as a list of problems (empty when the
 * cell passes): an output read by one reader against the input read by the
 * same reader. Passthrough columns keep name, position, type and values;
 * features keep name, position and nulls, become float32 or float64 lists
 * or scalars of the input's shape, and hold the eval-mode formula's values.
 */
import type { Frame, Reader, Row } from './frame.js';

/** The fitted state's numbers, as the state file holds them (SPEC field names). */
export interface StateFile {
  features: string[];
  eps: number;
  running_mean: number[];
  running_var: number[];
  weight: number[] | null;
  bias: number[] | null;
}

/**
 * Whether `got` is the output of x: the float64 of
 * (x - mean) / sqrt(var + eps) * weight + bias within 1e-12 of the size of
 * its terms, or for float32 output the float32 rounding of such a value.
 */
function isOutput(got: number, x: number, state: StateFile, c: number, float64: boolean): boolean {
  const [mean, variance, weight, bias] = [state.running_mean[c]!, state.running_var[c]!, state.weight?.[c] ?? 1, state.bias?.[c] ?? 0];
  const want = ((x - mean) / Math.sqrt(variance + state.eps)) * weight + bias;
  const scale = weight / Math.sqrt(variance + state.eps);
  const slack = 1e-12 * Math.max(Math.abs(want), Math.abs(x * scale), Math.abs(mean * scale));
  return float64 ? Math.abs(got - want) <= slack : got >= Math.fround(want - slack) && got <= Math.fround(want + slack);
}

const text = (row: Row) => JSON.stringify(row);

/** The rows where a feature's output is not the input's normalized values: a count and the first. */
function featureProblem(input: Row[], output: Row[], state: StateFile, c: number, float64: boolean): string | null {
  if (input.length !== output.length) return `${output.length} rows, input ${input.length}`;
  let count = 0;
  let first = -1;
  input.forEach((x, i) => {
    const y = output[i]!;
    const same = x === null ? y === null : y !== null && y.length === x.length && x.every((v, j) => (v === null ? y[j] === null : y[j] !== null && isOutput(y[j]!, v, state, c, float64)));
    if (!same && count++ === 0) first = i;
  });
  return count === 0 ? null : `${count} rows wrong, first row ${first}: ${text(output[first]!)} for input ${text(input[first]!)}`;
}

/** Every problem of an output against its input, both read by `reader`. */
export async function cellProblems(reader: Reader, input: Frame, output: Frame, state: StateFile): Promise<string[]> {
  const problems: string[] = [];
  if (JSON.stringify(output.names) !== JSON.stringify(input.names)) problems.push(`columns ${output.names.join(',')}, input ${input.names.join(',')}`);
  if (output.rows !== input.rows) problems.push(`${output.rows} rows, input ${input.rows}`);
  const passthrough = input.names.filter((n) => !state.features.includes(n) && output.names.includes(n));
  for (const name of passthrough) {
    if (output.type(name) !== input.type(name)) problems.push(`${name}: type ${output.type(name)}, input ${input.type(name)}`);
  }
  for (const [name, difference] of await input.differences(output, passthrough)) problems.push(`${name}: ${difference}`);
  for (const [c, name] of state.features.entries()) {
    if (!output.names.includes(name)) continue;
    const want = reader.featureType(input.shortType(name));
    const got = output.shortType(name);
    if (got !== want) problems.push(`${name}: type ${got}, expected ${want}`);
    // Values are checked at the precision the output has, so that a wrong type does not hide right numbers.
    const float64 = /\b(?:f64|DOUBLE|Float64)\b/.test(got);
    const problem = featureProblem(await input.numbers(name), await output.numbers(name), state, c, float64);
    if (problem) problems.push(`${name}: ${problem}`);
  }
  return problems;
}
