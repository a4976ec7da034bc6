import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Chunk } from '../../src/core/batcher.js';
import { permutation, seededRandom } from '../../src/core/random.js';
import { Reservoir } from '../../src/core/reservoir.js';
import { gatherRows, ShuffleBuffer } from '../../src/core/shuffle-buffer.js';
import { keepsBatch, TrajectoryRecorder } from '../../src/core/trajectory.js';
import { createState } from '../../src/core/state.js';
import { formatState, parseState } from '../../src/core/state-json.js';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('seeded randomness', () => {
  test('the same seed and stream give the same numbers; others differ', () => {
    const draw = (seed: number, stream: number) => {
      const random = seededRandom(seed, stream);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(42, 0)).toEqual(draw(42, 0));
    expect(draw(42, 0)).not.toEqual(draw(42, 1));
    expect(draw(42, 0)).not.toEqual(draw(43, 0));
    for (const x of draw(7, 3)) expect(x >= 0 && x < 1).toBe(true);
  });

  test('below(n) stays in range for small and huge n', () => {
    const random = seededRandom(11);
    for (const n of [1, 2, 3, 1000, 2 ** 21, 2 ** 21 + 1, 3_000_000_000]) {
      for (let i = 0; i < 200; i++) {
        const x = random.below(n);
        expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
      }
    }
  });

  test('permutations are permutations, and all 6 of 3 items come out about equally often', () => {
    const random = seededRandom(1);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const p = Array.from(permutation(3, random)).join('');
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['012', '021', '102', '120', '201', '210']);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });
});

describe('ShuffleBuffer', () => {
  const chunk = (from: number, to: number): Chunk => ({
    rows: to - from,
    columns: [
      { values: Float64Array.from({ length: to - from }, (_, i) => from + i) },
      { values: Float64Array.from({ length: (to - from) * 2 }, (_, i) => (from + (i >> 1)) * 10 + (i & 1)), listSize: 2 },
    ],
  });

  test('property: every row comes out exactly once, rows stay whole, and the order depends only on the seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 10 }), fc.integer({ min: 2, max: 40 }), fc.integer({ min: 0, max: 1000 }), (sizes, capacity, seed) => {
        const run = () => {
          const buffer = new ShuffleBuffer(capacity, seededRandom(seed));
          const out: Chunk[] = [];
          let at = 0;
          for (const size of sizes) {
            out.push(...buffer.push(chunk(at, at + size)));
            at += size;
          }
          out.push(...buffer.finish());
          return out;
        };
        const out = run();
        const rows = out.flatMap((c) => Array.from(c.columns[0]!.values));
        const total = sizes.reduce((a, b) => a + b, 0);
        expect([...rows].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
        for (const c of out) {
          const lists = c.columns[1]!.values;
          c.columns[0]!.values.forEach((r, i) => expect([lists[2 * i], lists[2 * i + 1]]).toEqual([r * 10, r * 10 + 1]));
        }
        expect(run().flatMap((c) => Array.from(c.columns[0]!.values))).toEqual(rows);
      }),
    );
  });

  test('mixes rows: a buffer of 1000 over 10,000 rows moves most rows far', () => {
    const buffer = new ShuffleBuffer(1000, seededRandom(3));
    const out = [...buffer.push(chunk(0, 5000)), ...buffer.push(chunk(5000, 10000)), ...buffer.finish()];
    const rows = out.flatMap((c) => Array.from(c.columns[0]!.values));
    const moved = rows.filter((r, i) => Math.abs(r - i) > 50).length;
    expect(moved).toBeGreaterThan(9000);
  });

  test('gathers ragged lists and their nulls by row', () => {
    const column = { values: f64(1, 2, 3, 4, 5, 6), valid: Uint8Array.from([1, 0, 1, 1, 1, 0]), offsets: Int32Array.from([0, 2, 3, 6]) };
    const out = gatherRows(column, Uint32Array.from([2, 0, 1]));
    expect(Array.from(out.values)).toEqual([4, 5, 6, 1, 2, 3]);
    expect(Array.from(out.valid!)).toEqual([1, 1, 0, 1, 0, 1]);
    expect(Array.from(out.offsets!)).toEqual([0, 3, 5, 6]);
  });
});

describe('Reservoir', () => {
  test('keeps every value while fewer than its size, counts nulls and non-finite values apart', () => {
    const r = new Reservoir(10, seededRandom(1));
    r.offer({ values: f64(1, NaN, 3, Infinity, 5), valid: Uint8Array.from([1, 1, 0, 1, 1]) });
    expect(Array.from(r.sample())).toEqual([1, 5]);
    expect([r.count, r.nulls, r.nonFinite]).toEqual([2, 1, 2]);
  });

  test('samples uniformly: over 100,000 values in order, the sample mean is near the middle', () => {
    const r = new Reservoir(2000, seededRandom(9));
    for (let k = 0; k < 100; k++) r.offer({ values: Float64Array.from({ length: 1000 }, (_, i) => k * 1000 + i) });
    const s = r.sample();
    expect(s.length).toBe(2000);
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    expect(Math.abs(mean - 50_000)).toBeLessThan(2_500);
    expect(new Set(s).size).toBe(2000);
  });
});

describe('trajectory', () => {
  test('keeps 8 batches per doubling at any batch count: b in [16·2^k, 16·2^(k+1)) when 2^(k+1) divides it', () => {
    const kept = (b: bigint) => {
      let k = 0n;
      while (16n << (k + 1n) <= b) k++;
      return b <= 16n || b % (2n << k) === 0n;
    };
    const around = [2 ** 20, 2 ** 30, 2 ** 31, 2 ** 32, 2 ** 40].flatMap((p) => [-(2 ** 27), -64, -2, -1, 0, 1, 2, 64, 2 ** 26].map((d) => p + d));
    for (const b of [...Array(5000).keys()].map((i) => i + 1).concat(around)) expect([b, keepsBatch(b)]).toEqual([b, kept(BigInt(b))]);
  });
  test('keeps every batch up to 16, then 8 per doubling, and the last', () => {
    expect([...Array(40).keys()].map((i) => i + 1).filter(keepsBatch)).toEqual([...Array(16).keys()].map((i) => i + 1).concat([18, 20, 22, 24, 26, 28, 30, 32, 36, 40]));
    let state = createState({ features: ['a'], momentum: null });
    const recorder = new TrajectoryRecorder(1);
    recorder.startEpoch(state);
    for (let b = 1; b <= 1000; b++) {
      state = { ...state, numBatchesTracked: b, runningMean: f64(b / 3), runningVar: f64(1) };
      recorder.record(state);
    }
    const t = recorder.finish(state);
    expect(t.batches.length).toBeLessThan(70);
    expect(t.batches.at(-1)).toBe(1000);
    expect(t.runningMean[0]!.at(-1)).toBe(Number((1000 / 3).toPrecision(7)));
    expect(t.epochStarts).toEqual([1]);
    const back = parseState(formatState({ ...state, trajectory: t }));
    expect(back.trajectory).toEqual(t);
    expect(() => parseState(formatState({ ...state, trajectory: { ...t, runningVar: [[1]] } }))).toThrow(/"trajectory.running_var" must hold one array of \d+ numbers per feature/);
  });
});
