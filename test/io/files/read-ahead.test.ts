import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { FileRange } from '../../../src/io/files/file-range.js';
import { readAhead } from '../../../src/io/files/read-ahead.js';

/** An in-memory file whose reads are recorded, each answered `delay()` turns of the event loop after it fills its target. */
function memoryFile(bytes: Uint8Array, delay: () => number = () => 0, fail?: (start: number) => boolean) {
  const reads: [number, number][] = [];
  const wait = async () => {
    for (let i = delay(); i > 0; i--) await new Promise((resolve) => setImmediate(resolve));
  };
  const file: FileRange = {
    byteLength: bytes.length,
    async read(start, end) {
      reads.push([start, end]);
      await wait();
      if (fail?.(start)) throw new Error(`EIO at ${start}`);
      return bytes.slice(start, Math.min(end, bytes.length));
    },
    async readInto(target, position) {
      reads.push([position, position + target.length]);
      if (fail?.(position)) {
        await wait();
        throw new Error(`EIO at ${position}`);
      }
      // The bytes land in the target at once, the answer comes later: as a read by the system may.
      const part = bytes.subarray(position, Math.min(bytes.length, position + target.length));
      target.set(part);
      await wait();
      return part.length;
    },
    async slice(start, end = bytes.length) {
      return (await file.read(start, end)).slice().buffer as ArrayBuffer;
    },
    async close() {},
  };
  return { file, reads };
}

const bytesOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

describe('readAhead', () => {
  test('a read inside a prefetched range is served from it, a read past it goes to the file', async () => {
    const { file, reads } = memoryFile(bytesOf(1000));
    const ahead = readAhead(file);
    ahead.prefetch(100, 400);
    expect(reads).toEqual([[100, 400]]);
    expect(await ahead.read(150, 200)).toEqual(bytesOf(1000).subarray(150, 200));
    const target = new Uint8Array(100);
    expect(await ahead.readInto(target, 300)).toBe(100);
    expect(target).toEqual(bytesOf(1000).subarray(300, 400));
    expect(new Uint8Array(await ahead.slice(100, 110))).toEqual(bytesOf(1000).subarray(100, 110));
    expect(reads).toEqual([[100, 400]]);
    expect(await ahead.read(350, 450)).toEqual(bytesOf(1000).subarray(350, 450));
    expect(reads).toEqual([[100, 400], [350, 450]]);
  });

  test('what it returns is the caller’s: changing it changes nothing the next read sees', async () => {
    const { file } = memoryFile(bytesOf(100));
    const ahead = readAhead(file);
    ahead.prefetch(0, 100);
    (await ahead.read(0, 50)).fill(0);
    expect(await ahead.read(0, 50)).toEqual(bytesOf(100).subarray(0, 50));
  });

  test('holds `keep` ranges: a newer one drops the oldest, whose reads go to the file again', async () => {
    const { file, reads } = memoryFile(bytesOf(1000));
    const ahead = readAhead(file, 2);
    ahead.prefetch(0, 100);
    ahead.prefetch(100, 200);
    ahead.prefetch(100, 150); // held already: no read
    ahead.prefetch(200, 300);
    expect(reads).toEqual([[0, 100], [100, 200], [200, 300]]);
    await ahead.read(10, 20);
    await ahead.read(110, 120);
    await ahead.read(210, 220);
    expect(reads).toEqual([[0, 100], [100, 200], [200, 300], [10, 20]]);
  });

  test('a prefetch that fails is forgotten: the read goes to the file and meets its error', async () => {
    let failing = true;
    const { file, reads } = memoryFile(bytesOf(500), () => 1, (start) => failing && start === 0);
    const ahead = readAhead(file);
    ahead.prefetch(0, 200);
    await expect(ahead.read(0, 10)).rejects.toThrow('EIO at 0');
    failing = false;
    expect(await ahead.read(0, 10)).toEqual(bytesOf(500).subarray(0, 10));
    expect(reads).toEqual([[0, 200], [0, 10], [0, 10]]);
  });

  test('a range dropped while a read waits on it still serves that read its own bytes', async () => {
    const { file } = memoryFile(bytesOf(1000), () => 3);
    const ahead = readAhead(file, 1);
    ahead.prefetch(0, 300);
    const waiting = ahead.read(0, 300);
    // Drops [0, 300) while the read waits; the next range must not be read into its buffer.
    ahead.prefetch(300, 600);
    ahead.prefetch(600, 900);
    expect(await waiting).toEqual(bytesOf(1000).subarray(0, 300));
    expect(await ahead.read(600, 900)).toEqual(bytesOf(1000).subarray(600, 900));
  });

  test('ranges are clamped to the file; one past its end reads nothing ahead', async () => {
    const { file, reads } = memoryFile(bytesOf(100));
    const ahead = readAhead(file);
    ahead.prefetch(50, 500);
    ahead.prefetch(200, 300);
    expect(reads).toEqual([[50, 100]]);
    expect(await ahead.read(60, 100)).toEqual(bytesOf(100).subarray(60, 100));
    expect(reads).toEqual([[50, 100]]);
  });

  test('any mix of prefetches and reads gives the file’s bytes, whatever the timing', async () => {
    const size = 4096;
    const op = fc.oneof(
      fc.record({ kind: fc.constant('prefetch' as const), start: fc.nat(size), length: fc.nat(1500) }),
      fc.record({ kind: fc.constantFrom('read' as const, 'readInto' as const, 'slice' as const), start: fc.nat(size - 1), length: fc.nat(1500) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), fc.array(fc.nat(3), { minLength: 1 }), fc.integer({ min: 1, max: 3 }), async (ops, delays, keep) => {
        let d = 0;
        const data = bytesOf(size);
        const { file } = memoryFile(data, () => delays[d++ % delays.length]!);
        const ahead = readAhead(file, keep);
        const pending: Promise<void>[] = [];
        for (const o of ops) {
          const end = Math.min(size, o.start + o.length);
          const want = data.slice(o.start, end);
          if (o.kind === 'prefetch') ahead.prefetch(o.start, o.start + o.length);
          else if (o.kind === 'read') pending.push(ahead.read(o.start, end).then((got) => void expect(got).toEqual(want)));
          else if (o.kind === 'slice') pending.push(ahead.slice(o.start, end).then((got) => void expect(new Uint8Array(got)).toEqual(want)));
          else {
            const target = new Uint8Array(end - o.start);
            pending.push(ahead.readInto(target, o.start).then((n) => void expect([n, target]).toEqual([want.length, want])));
          }
        }
        await Promise.all(pending);
      }),
      { numRuns: 300 },
    );
  });
});
