import { describe, expect, test } from 'vitest';
import { planBody, READ_GAP } from '../../../src/io/arrow/body-plan.js';

/** Regions of buffers of `sizes` bytes, one after the other, each padded to 8 bytes. */
function laidOut(...sizes: number[]) {
  let at = 0;
  return sizes.map((length) => {
    const region = { offset: at, length };
    at += Math.ceil(length / 8) * 8;
    return region;
  });
}

describe('planBody', () => {
  const big = 4 * READ_GAP;
  const buffers = laidOut(8, big, 8, big, 8, big);
  const body = buffers.at(-1)!.offset + big;

  test('reads the wanted buffers, adjacent ones together, and leaves the others empty', () => {
    const plan = planBody(buffers, [2, 3], body);
    expect(plan.reads).toEqual([{ from: buffers[2]!.offset, to: buffers[3]!.offset + big, at: 0 }]);
    expect(plan.size).toBe(8 + big);
    expect(plan.buffers).toEqual([{ offset: 0, length: 0 }, { offset: 0, length: 0 }, { offset: 0, length: 8 }, { offset: 8, length: big }, { offset: 0, length: 0 }, { offset: 0, length: 0 }]);
  });

  test('reads buffers far apart on their own, and ones at most the gap apart as one', () => {
    expect(planBody(buffers, [0, 4], body).reads).toHaveLength(2);
    const near = laidOut(8, 64, 8);
    expect(planBody(near, [0, 2], 10 * READ_GAP).reads).toEqual([{ from: 0, to: 80, at: 0 }]);
    expect(planBody(near, [0, 2], 10 * READ_GAP, 63).reads).toHaveLength(2);
  });

  test('reads the whole body when the wanted buffers leave at most the gap out', () => {
    const plan = planBody(laidOut(8, 64, 8), [1], 80);
    expect(plan.reads).toEqual([{ from: 0, to: 80, at: 0 }]);
    expect(plan.buffers[1]).toEqual({ offset: 8, length: 64 });
    expect(planBody(buffers, [1, 5], body).reads).toHaveLength(2);
    expect(planBody(buffers, [0, 1, 2, 3, 4, 5], body).reads).toEqual([{ from: 0, to: body, at: 0 }]);
  });

  test('keeps every buffer at its position modulo 8, so alignment is as in the file', () => {
    const odd = [{ offset: 3, length: 5 }, { offset: 1000, length: 4 }, { offset: 2013, length: 7 }, { offset: 4006, length: 9 }];
    const plan = planBody(odd, [0, 1, 2, 3], 5000, 0);
    expect(plan.reads).toHaveLength(4);
    plan.buffers.forEach((region, i) => expect([region.offset % 8, region.length]).toEqual([odd[i]!.offset % 8, odd[i]!.length]));
    // Reads do not overlap, and each buffer lies inside the partial body.
    for (let k = 1; k < plan.reads.length; k++) expect(plan.reads[k]!.at).toBeGreaterThanOrEqual(plan.reads[k - 1]!.at + plan.reads[k - 1]!.to - plan.reads[k - 1]!.from);
    for (const region of plan.buffers) expect(region.offset + region.length).toBeLessThanOrEqual(plan.size);
  });

  test('reads overlapping and repeated buffers once, out of order as they come', () => {
    const shared = [{ offset: 4096, length: 100 }, { offset: 0, length: 64 }, { offset: 4120, length: 8 }];
    const plan = planBody(shared, [2, 0, 2, 1], 1 << 20, -1);
    expect(plan.reads).toEqual([{ from: 0, to: 64, at: 0 }, { from: 4096, to: 4196, at: 64 }]);
    expect(plan.buffers).toEqual([{ offset: 64, length: 100 }, { offset: 0, length: 64 }, { offset: 88, length: 8 }]);
  });

  test('reads nothing for empty buffers, or none wanted', () => {
    expect(planBody(buffers, [], body)).toEqual({ size: 0, reads: [], buffers: buffers.map(() => ({ offset: 0, length: 0 })) });
    const empty = [{ offset: 0, length: 0 }, { offset: 8, length: big }];
    expect(planBody(empty, [0], body).reads).toEqual([]);
  });
});
