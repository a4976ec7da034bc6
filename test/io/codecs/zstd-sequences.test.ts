/**
 * The sequence store and section of the ZSTD coder on their own: repeat
 * codes against RFC 8878's rules and example, and a block of more sequences
 * than the matcher makes, whose count takes the 3-byte form.
 */
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { decompressZstd } from 'hyparquet-compressors';
import { describe, expect, test } from 'vitest';
import { concatBytes } from '../../../bench/compressor-inputs.mjs';
import { LiteralsWriter } from '../../../src/io/codecs/zstd-literals.js';
import { writeSequences } from '../../../src/io/codecs/zstd-sequences-section.js';
import { Sequences } from '../../../src/io/codecs/zstd-sequences.js';
import { randomBytes, same } from './compressor-data.js';
import { parseFrame, referenceDecode, ZSTD } from './zstd-frame.js';

describe('zstd sequences', () => {
  test('repeat codes decode to the offsets stored, as decoders keep the repeat offsets (checked on RFC 8878\'s example)', () => {
    /** A decoder's repeat offsets (RFC 8878, 3.1.2.5): the offset an offset value means, and the offsets after it. */
    const decode = (reps: number[], value: number, literals: number): number => {
      const index = value > 3 ? -1 : literals > 0 ? value - 1 : value;
      const offset = index < 0 ? value - 3 : index === 3 ? reps[0]! - 1 : reps[index]!;
      if (index === 0) return offset;
      if (index === 1) reps.splice(0, 2, offset, reps[0]!);
      else reps.splice(0, 3, offset, reps[0]!, reps[1]!);
      return offset;
    };
    const example = [[1114, 11, 1111, 1, 4], [1, 22, 1111, 1, 4], [2225, 22, 2222, 1111, 1], [1114, 111, 1111, 2222, 1111], [3336, 33, 3333, 1111, 2222],
      [2, 22, 1111, 3333, 2222], [3, 33, 2222, 1111, 3333], [3, 0, 2221, 2222, 1111], [1, 0, 2222, 2221, 1111]];
    const reps = [1, 4, 8];
    for (const [value, literals, ...after] of example) {
      decode(reps, value!, literals!);
      expect(reps).toEqual(after);
    }
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(1, 2, 3, 4, 7, 8, 100, 101), fc.constantFrom(0, 0, 1, 5)), { minLength: 1, maxLength: 60 }), (steps) => {
        const sequences = new Sequences();
        sequences.clear();
        const input = new Uint8Array(6);
        const decoder = [1, 4, 8];
        for (const [offset, literals] of steps) {
          sequences.add(input, 0, literals, offset, 4);
          const last = sequences.count - 1;
          const value = (1 << sequences.ofCodes[last]!) + (sequences.ofExtras[last]! >>> 5);
          expect(decode(decoder, value, literals)).toBe(offset);
          expect([sequences.rep0, sequences.rep1, sequences.rep2]).toEqual(decoder);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('a block of more sequences than the 2-byte count holds decodes', () => {
    // 8 literals, then 32,600 matches of 4 bytes (no literals between), offsets 8 and 4 in turn: a block of 130,408 bytes.
    const sequences = new Sequences();
    sequences.clear();
    const start = randomBytes(8, 5);
    const expected = [...start];
    for (let i = 0; i < 32_600; i++) {
      const offset = i % 2 === 0 ? 8 : 4;
      sequences.add(start, 0, i === 0 ? 8 : 0, offset, 4);
      for (let k = 0; k < 4; k++) expected.push(expected[expected.length - offset]!);
    }
    const block = new Uint8Array(1 << 19);
    const end = writeSequences(sequences, block, new LiteralsWriter().write(sequences.literals, sequences.literalCount, block, 0));
    const size = expected.length;
    const header = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0xa0, size, size >> 8, size >> 16, 0, 1 | (2 << 1) | ((end << 3) & 0xff), (end << 3) >> 8, (end << 3) >> 16);
    const frame = concatBytes([header, block.subarray(0, end)]);
    expect(parseFrame(frame).blocks[0]!.sequences).toBe(32_600);
    expect(same(decompressZstd(frame), Uint8Array.from(expected))).toBe(true);
    if (existsSync(ZSTD)) expect(same(referenceDecode(frame), Uint8Array.from(expected))).toBe(true);
  });
});
