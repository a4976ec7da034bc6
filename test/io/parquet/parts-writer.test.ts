/** PartsWriter: runs taken in order, long shared bytes kept as they are, its buffer used again. */
import { describe, expect, test } from 'vitest';
import { PartsWriter, SHARED_BYTES } from '../../../src/io/parquet/parts-writer.js';

const bytes = (n: number, from: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const join = (parts: Uint8Array[]) => Buffer.concat(parts);

describe('PartsWriter', () => {
  test('takes what was written since the last take, in order, with positions running on', () => {
    const w = new PartsWriter(100);
    const shared = bytes(SHARED_BYTES, 7);
    w.appendUint8(1);
    w.appendShared(shared);
    w.appendBytes(bytes(10, 3));
    w.appendShared(bytes(5, 9)); // short: copied
    expect(w.offset).toBe(100 + 1 + SHARED_BYTES + 10 + 5);
    expect(w.pending).toBe(1 + SHARED_BYTES + 15);
    const parts = w.take();
    expect(parts).toContain(shared);
    expect(join(parts)).toEqual(Buffer.concat([Uint8Array.of(1), shared, bytes(10, 3), bytes(5, 9)]));
    expect(w.pending).toBe(0);
    w.appendBytes(bytes(3, 50));
    expect(join(w.take())).toEqual(Buffer.from(bytes(3, 50)));
    expect(w.offset).toBe(100 + 1 + SHARED_BYTES + 18);
  });

  test('the buffer serves every run (a taken view changes with the next write), and takeJoined copies into the buffer given when it is long enough', () => {
    const w = new PartsWriter();
    w.appendBytes(bytes(1000, 0));
    const [first] = w.take();
    w.appendBytes(bytes(1000, 1));
    expect(first![0]).toBe(1);
    const into = new Uint8Array(4096);
    const joined = w.takeJoined(into);
    expect(joined.buffer).toBe(into.buffer);
    expect(Buffer.from(joined)).toEqual(Buffer.from(bytes(1000, 1)));
    w.appendBytes(bytes(5000, 2));
    const fresh = w.takeJoined(into);
    expect(fresh.buffer).not.toBe(into.buffer);
    expect(Buffer.from(fresh)).toEqual(Buffer.from(bytes(5000, 2)));
  });

  test('restart goes back to position 0 and drops what was not taken', () => {
    const w = new PartsWriter();
    w.appendBytes(bytes(10, 0));
    w.restart();
    expect([w.offset, w.pending]).toEqual([0, 0]);
    w.appendBytes(bytes(2, 4));
    expect(Buffer.from(w.takeJoined())).toEqual(Buffer.from(bytes(2, 4)));
  });
});
