import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dictionary, Int32, Table, tableFromArrays, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import { Codec, decompressInto } from '../../../src/io/arrow/codecs.js';
import { ArrowFormatError } from '../../../src/io/arrow/format-error.js';
import { MessageType } from '../../../src/io/arrow/message.js';
import { openArrowStream } from '../../../src/io/arrow/read.js';
import { bufferAt, type Located, messages, nodeAt, patched } from './ipc-bytes.js';
import { INTEGRATION, once, readAll } from './testdata.js';

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await readAll(await openArrowStream(once(bytes), 'x'));
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return (error as Error).message;
  }
  throw new Error('expected the stream to be refused');
}

const batchOf = (list: Located[]) => list.find((m) => m.meta.type === MessageType.RecordBatch)!;

describe('record batch checks', () => {
  const ints = tableToIPC(tableFromArrays({ a: Int32Array.from([1, 2, 3]) }), 'stream');
  const strings = tableToIPC(new Table({ s: vectorFromArray(['ab', 'c'], new Utf8()) }), 'stream');
  const dictionary = tableToIPC(new Table({ d: vectorFromArray(['p', 'q', 'p'], new Dictionary(new Utf8(), new Int32(), 5)) }), 'stream');

  test('the unpatched streams read', async () => {
    expect((await readAll(await openArrowStream(once(ints), 'x')))[0]!.numRows).toBe(3);
    expect((await readAll(await openArrowStream(once(strings), 'x')))[0]!.numRows).toBe(2);
    expect((await readAll(await openArrowStream(once(dictionary), 'x')))[0]!.numRows).toBe(3);
  });

  test.each([
    ['a data buffer too short', (v: DataView, l: Located[]) => v.setBigInt64(bufferAt(batchOf(l), 1) + 8, 4n, true), 'x: column "a": data buffer of 4 bytes, 12 needed'],
    ['a buffer outside the body', (v: DataView, l: Located[]) => v.setBigInt64(bufferAt(batchOf(l), 1), 1000n, true), 'x: corrupt metadata (buffer offset 1000 out of range)'],
    ['a column shorter than its batch', (v: DataView, l: Located[]) => v.setBigInt64(nodeAt(batchOf(l), 0), 2n, true), 'x: column "a" has 2 rows in a batch of 3'],
    ['more nulls than values', (v: DataView, l: Located[]) => v.setBigInt64(nodeAt(batchOf(l), 0) + 8, 9n, true), 'x: corrupt metadata (null count 9 out of range)'],
  ])('refuses %s', async (_, patch, message) => {
    expect(await refusal(patched(ints, patch))).toBe(message);
  });

  test('refuses string offsets past the end of the data', async () => {
    const bytes = patched(strings, (view, list) => {
      const batch = batchOf(list);
      const offsets = Number(view.getBigInt64(bufferAt(batch, 1), true));
      view.setInt32(batch.bodyAt + offsets + 8, 100, true);
    });
    expect(await refusal(bytes)).toBe('x: column "s": value offsets out of range');
  });

  test('refuses a dictionary batch with an unknown id', async () => {
    const bytes = patched(dictionary, (view, list) => {
      const message = list.find((m) => m.meta.type === MessageType.DictionaryBatch)!;
      view.setBigInt64(message.metadataAt + message.root.table(2)!.int64Position(0), 7n, true);
    });
    expect(await refusal(bytes)).toBe('x: dictionary batch for unknown dictionary id 7');
  });

  test('refuses a record batch that comes before its dictionary', async () => {
    const [schema, dict] = messages(dictionary);
    const bytes = Buffer.concat([dictionary.subarray(0, dict!.metadataAt - 8), dictionary.subarray(dict!.bodyAt + dict!.meta.bodyLength)]);
    expect(schema!.meta.type).toBe(MessageType.Schema);
    expect(await refusal(bytes)).toBe('x: record batch before its dictionary (id 5)');
  });

  test.each([
    ['generated_lz4', 'LZ4 data is'],
    ['generated_zstd', 'Zstandard data is'],
  ])('refuses a %s buffer whose declared size is wrong', async (name, message) => {
    const bytes = readFileSync(join(INTEGRATION, '2.0.0-compression', `${name}.stream`));
    const broken = patched(bytes, (view, list) => {
      const batch = batchOf(list);
      const index = batch.meta.batch!.buffers.findIndex((b) => b.length > 8 && view.getBigInt64(batch.bodyAt + b.offset, true) > 0n);
      const at = batch.bodyAt + batch.meta.batch!.buffers[index]!.offset;
      view.setBigInt64(at, view.getBigInt64(at, true) + 8n, true);
    });
    expect(await refusal(broken)).toMatch(new RegExp(`^x: corrupt compressed buffer \\(${message} \\d+ bytes, \\d+ expected\\)$`));
  });
});

describe('codecs', () => {
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
  const frame = (flags: number, ...blocks: (number | string)[][]) => {
    const body = blocks.flatMap((b) => b.flatMap((x) => (typeof x === 'string' ? [...Buffer.from(x, 'latin1')] : [x])));
    return Uint8Array.from([0x04, 0x22, 0x4d, 0x18, flags, 0x40, 0, ...body, 0, 0, 0, 0]);
  };
  const size = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  const lz4 = (input: Uint8Array, length: number) => {
    const out = new Uint8Array(length);
    decompressInto(Codec.LZ4_FRAME, input, out);
    return text(out);
  };

  test('LZ4: literals, overlapping matches, stored blocks and matches into an earlier block', () => {
    const repeat = [0x44, 'abcd', 4, 0, 0x10, 'e'];
    expect(lz4(frame(0x40, [...size(9), ...repeat]), 13)).toBe('abcdabcdabcde');
    expect(lz4(frame(0x40, [...size(3 | 0x80000000), 'xyz']), 3)).toBe('xyz');
    expect(lz4(frame(0x40, [...size(6), 0x50, 'hello'], [...size(5), 0x01, 5, 0, 0x10, '!']), 11)).toBe('hellohello!');
  });

  test('LZ4: refuses wrong sizes and corrupt blocks', () => {
    const bad = (input: Uint8Array, length: number) => () => lz4(input, length);
    expect(bad(frame(0x40, [...size(9), 0x44, 'abcd', 4, 0, 0x10, 'e']), 14)).toThrow('LZ4 data is 13 bytes, 14 expected');
    expect(bad(frame(0x40, [...size(9), 0x44, 'abcd', 4, 0, 0x10, 'e']), 12)).toThrow(ArrowFormatError);
    expect(bad(frame(0x40, [...size(7), 0x44, 'abcd', 0, 0]), 12)).toThrow('LZ4 match offset out of range');
    expect(bad(frame(0x40, [...size(50), 0x50, 'hello']), 5)).toThrow('truncated');
    expect(bad(frame(0x48, [0, 0, 0, 0, 0, 0, 0, 0, ...size(6), 0x50, 'hello']), 5)).toThrow('LZ4 frame size mismatch');
    expect(bad(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 5)).toThrow('not an LZ4 frame');
  });

  test('Zstandard: raw and RLE blocks, and the declared content size', () => {
    const zstd = (blockType: number, payload: number[], n: number) =>
      Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, n, ...size((n << 3) | (blockType << 1) | 1).slice(0, 3), ...payload]);
    const out = new Uint8Array(5);
    decompressInto(Codec.ZSTD, zstd(0, [...Buffer.from('hello')], 5), out);
    expect(text(out)).toBe('hello');
    decompressInto(Codec.ZSTD, zstd(1, [0x7a], 5), out);
    expect(text(out)).toBe('zzzzz');
    expect(() => decompressInto(Codec.ZSTD, zstd(0, [...Buffer.from('hello')], 5), new Uint8Array(6))).toThrow('Zstandard data is 5 bytes, 6 expected');
    expect(() => decompressInto(Codec.ZSTD, Uint8Array.from([1, 2, 3, 4, 5, 6]), out)).toThrow('not a Zstandard frame');
  });
});
