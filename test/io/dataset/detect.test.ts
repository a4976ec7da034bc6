import { describe, expect, test } from 'vitest';
import { detectFormat, markedFormat } from '../../../src/io/dataset/detect.js';

const bytes = (...parts: (string | number[])[]) => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('detectFormat', () => {
  test('recognises Parquet, encrypted Parquet, Arrow files and both stream framings', () => {
    expect(detectFormat(bytes('PAR1', [0x15, 0, 0, 0]), 'f')).toBe('parquet');
    expect(detectFormat(bytes('PARE', [0, 0, 0, 0]), 'f')).toBe('parquet');
    expect(detectFormat(bytes('ARROW1', [0, 0]), 'f')).toBe('arrow');
    expect(detectFormat(bytes([0xff, 0xff, 0xff, 0xff, 0x78, 0, 0, 0]), 'f')).toBe('arrows');
    // Pre-0.15 framing, as in arrow-testing's integration/0.14.1 streams: length 332, root offset 20.
    expect(detectFormat(bytes([0x4c, 0x01, 0, 0, 0x14, 0, 0, 0]), 'f')).toBe('arrows');
  });

  test('refuses empty input and other files with what they start with', () => {
    expect(() => detectFormat(new Uint8Array(0), 'x.parquet')).toThrow('x.parquet: the input is empty (expected Parquet or Arrow IPC data)');
    expect(() => detectFormat(bytes('id,x,y\n1'), 'data.csv')).toThrow('data.csv: not a Parquet or Arrow IPC file (it starts with bytes 69642c782c790a31); for CSV');
    expect(() => detectFormat(bytes('id,x,y,z'), 'data.csv')).toThrow(/starts with "id,x,y,z"\); for CSV, convert it first/);
    expect(() => detectFormat(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'a.png')).toThrow(/starts with bytes 89504e470d0a1a0a\)$/);
  });
});

describe('markedFormat', () => {
  test('only magic numbers and a stream marker with a message length count: the other framings look like other files', () => {
    expect(markedFormat(bytes('PAR1', [0x15, 0, 0, 0]))).toBe('parquet');
    expect(markedFormat(bytes('ARROW1', [0, 0]))).toBe('arrow');
    expect(markedFormat(bytes([0xff, 0xff, 0xff, 0xff, 0x78, 0, 0, 0]))).toBe('arrows');
    // An empty stream, the pre-0.15 framing, and a safetensors header length (here with a mangled low half).
    for (const head of [[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0], [0x4c, 0x01, 0, 0, 0x14, 0, 0, 0], [0xa0, 0x01, 0, 0, 0, 0, 0, 0]]) {
      expect(markedFormat(bytes(head))).toBeUndefined();
    }
    expect(markedFormat(bytes('{"format'))).toBeUndefined();
  });
});
