/** Helpers of the ZSTD tests: the reference decoder, and the fields of a frame as RFC 8878 lays them out. */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

export const ZSTD = '/usr/bin/zstd';

/** The reference decoder's output for a frame. */
export function referenceDecode(frame: Uint8Array): Uint8Array {
  const run = spawnSync(ZSTD, ['-d', '-c', '-q'], { input: frame, maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`zstd -d: ${run.stderr}`);
  return run.stdout;
}

export interface Block {
  type: 'raw' | 'rle' | 'compressed';
  size: number;
  /** Compressed blocks: how the literals are stored, the Huffman tree header byte, the sequence count and modes. */
  literals?: 'raw' | 'rle' | 'huffman-1' | 'huffman-4';
  treeHeader?: number;
  sequences?: number;
  modes?: number;
}

/** The frame header fields and the blocks of a frame, as RFC 8878 lays them out (nothing is decoded). */
export function parseFrame(frame: Uint8Array): { single: boolean; windowByte?: number; contentSize: number; blocks: Block[] } {
  expect([...frame.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
  const descriptor = frame[4]!;
  const single = (descriptor & 0x20) !== 0;
  expect(descriptor & 0x1f).toBe(0);
  let at = 5;
  const windowByte = single ? undefined : frame[at++];
  const sizeBytes = [single ? 1 : 0, 2, 4, 8][descriptor >> 6]!;
  let contentSize = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) contentSize = contentSize * 256 + frame[at + i]!;
  if (sizeBytes === 2) contentSize += 256;
  at += sizeBytes;
  const blocks: Block[] = [];
  for (let last = 0; !last; ) {
    const header = frame[at]! | (frame[at + 1]! << 8) | (frame[at + 2]! << 16);
    last = header & 1;
    const size = header >>> 3;
    const type = (['raw', 'rle', 'compressed'] as const)[(header >> 1) & 3]!;
    at += 3;
    const block: Block = { type, size };
    if (type === 'compressed') {
      const b0 = frame[at]!;
      const format = (b0 >> 2) & 3;
      let sectionEnd: number;
      if ((b0 & 3) < 2) {
        block.literals = (b0 & 3) === 0 ? 'raw' : 'rle';
        const headerSize = (format & 1) === 0 ? 1 : format === 1 ? 2 : 3;
        const n = headerSize === 1 ? b0 >> 3 : headerSize === 2 ? (b0 >> 4) + (frame[at + 1]! << 4) : (b0 >> 4) + (frame[at + 1]! << 4) + (frame[at + 2]! << 12);
        sectionEnd = at + headerSize + (block.literals === 'raw' ? n : 1);
      } else {
        block.literals = format === 0 ? 'huffman-1' : 'huffman-4';
        const headerSize = format < 2 ? 3 : format + 2;
        const width = format < 2 ? 10 : format === 2 ? 14 : 18;
        let value = 0;
        for (let i = headerSize - 1; i >= 0; i--) value = value * 256 + frame[at + i]!;
        const compressed = Math.floor(value / 2 ** (4 + width));
        block.treeHeader = frame[at + headerSize];
        sectionEnd = at + headerSize + compressed;
      }
      const s0 = frame[sectionEnd]!;
      block.sequences = s0 < 128 ? s0 : s0 < 255 ? ((s0 - 128) << 8) + frame[sectionEnd + 1]! : frame[sectionEnd + 1]! + (frame[sectionEnd + 2]! << 8) + 0x7f00;
      if (block.sequences > 0) block.modes = frame[sectionEnd + (s0 < 128 ? 1 : s0 < 255 ? 2 : 3)];
    }
    blocks.push(block);
    at += type === 'rle' ? 1 : size;
  }
  expect(at).toBe(frame.length);
  return { single, windowByte, contentSize, blocks };
}
