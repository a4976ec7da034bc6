/**
 * Runs: parts of pages cut into runs of whole rows, and which pool buffers
 * each run gives back once its piece is done with: those of the parts it
 * holds whole and of its copy, and those of a part cut in two only with
 * the run that holds the part's second half.
 */
import { describe, expect, test } from 'vitest';
import type { ChunkSpec, LeafChunk } from '../../../src/io/parquet/decode.js';
import { PartPool } from '../../../src/io/parquet/part-pool.js';
import { type Run, Runs } from '../../../src/io/parquet/piece-runs.js';

const FLAT: ChunkSpec = { column: { type: 'DOUBLE', width: 0 }, maxDef: 0, maxRep: 0, codec: 'UNCOMPRESSED', numValues: 0 };
const LIST: ChunkSpec = { ...FLAT, maxDef: 1, maxRep: 1 };

/** A part of `values` (starting at `first`), in a buffer of its own, with repetition levels `rep` when given. */
function part(first: number, length: number, rep?: number[]): LeafChunk {
  const buffer = new ArrayBuffer(length * 8);
  const data = new Float64Array(buffer);
  for (let i = 0; i < length; i++) data[i] = first + i;
  const levels = rep && Uint8Array.from(rep);
  return { length, full: length, def: levels && new Uint8Array(length).fill(1), rep: levels, values: { kind: 'numeric', data }, buffers: [buffer] };
}

async function* each(parts: LeafChunk[]): AsyncGenerator<LeafChunk> {
  yield* parts;
}

/** Every run of `parts`, pulled one part at a time. */
async function runsOf(parts: LeafChunk[], spec: ChunkSpec, size: number, pool?: PartPool): Promise<Run[]> {
  const runs = new Runs(spec, size, pool);
  const pages = each(parts);
  const out: Run[] = [];
  while (await runs.pull(pages)) for (let run = runs.take(false); run; run = runs.take(false)) out.push(run);
  for (let run = runs.take(true); run; run = runs.take(true)) out.push(run);
  return out;
}

const valuesOf = (run: Run) => [...(run.chunk.values.data as Float64Array)];

describe('a run gives back the buffers nothing else views', () => {
  test('a part cut in two gives its buffer back with the run of its second half', async () => {
    const parts = [part(0, 5), part(5, 5), part(10, 5)];
    const [p1, p2, p3] = parts.map((p) => p.buffers![0]!);
    const runs = await runsOf(parts, FLAT, 7, new PartPool());
    expect(runs.map(valuesOf)).toEqual([[0, 1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12, 13], [14]]);
    // Runs 1 and 2 span parts: copies, whose buffers they give back besides those of the parts they hold whole.
    expect(runs[0]!.buffers).toContain(p1);
    expect(runs[0]!.buffers).not.toContain(p2);
    expect(runs[0]!.buffers).toContain((runs[0]!.chunk.values.data as Float64Array).buffer);
    expect(runs[1]!.buffers).toContain(p2);
    expect(runs[1]!.buffers).not.toContain(p3);
    // The last run is a view of the second half of part 3: its buffer goes back with it.
    expect((runs[2]!.chunk.values.data as Float64Array).buffer).toBe(p3);
    expect(runs[2]!.buffers).toEqual([p3]);
  });

  test('a run that is one whole part is that part, and gives back its buffer; nothing is given back twice', async () => {
    const parts = [part(0, 4), part(4, 4), part(8, 4)];
    const runs = await runsOf(parts, FLAT, 4);
    expect(runs.map((run) => run.chunk)).toEqual(parts);
    expect(runs.map((run) => run.buffers)).toEqual(parts.map((p) => p.buffers));
    const given = runs.flatMap((run) => run.buffers);
    expect(new Set(given).size).toBe(given.length);
  });

  test('runs of a list end where rows start: a part that ends a row is taken whole', async () => {
    // Rows of 3 entries (levels 0, 1, 1); parts of 6 and 3 entries; runs of at least 4 entries.
    const parts = [part(0, 6, [0, 1, 1, 0, 1, 1]), part(6, 3, [0, 1, 1]), part(9, 4, [1, 0, 1, 1])];
    const runs = await runsOf(parts, LIST, 4);
    expect(runs.map((run) => [run.rows, run.chunk.length])).toEqual([[2, 6], [1, 4], [1, 3]]);
    expect(runs[0]!.chunk).toBe(parts[0]);
    expect(runs[1]!.buffers).toContain(parts[1]!.buffers![0]);
    expect(runs[1]!.buffers).not.toContain(parts[2]!.buffers![0]);
    expect(runs[2]!.buffers).toEqual(parts[2]!.buffers);
  });
});
