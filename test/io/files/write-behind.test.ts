/** WriteBehind: bytes are copied, written in order while the caller goes on, and a write's error comes out of a later call. */
import { describe, expect, test } from 'vitest';
import { BUFFER_BYTES, WriteBehind } from '../../../src/io/files/write-behind.js';

describe('WriteBehind', () => {
  test('writes every byte in order, in writes of at most BUFFER_BYTES, and the caller may change its bytes once add resolves', async () => {
    const written: Uint8Array[] = [];
    let inFlight = 0;
    let most = 0;
    const writes = new WriteBehind(async (bytes) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      written.push(bytes.slice());
      inFlight--;
    });
    const expected: Uint8Array[] = [];
    const scratch = new Uint8Array(BUFFER_BYTES + 12345);
    for (let k = 0; k < 5; k++) {
      const n = k === 2 ? scratch.length : 1000 * (k + 1);
      for (let i = 0; i < n; i++) scratch[i] = (i * 7 + k) & 0xff;
      expected.push(scratch.slice(0, n));
      await writes.add(scratch.subarray(0, n));
      scratch.fill(0xee); // changed after add: must not reach the file
    }
    await writes.done();
    expect(most).toBe(1);
    expect(written.every((bytes) => bytes.length <= BUFFER_BYTES)).toBe(true);
    expect(Buffer.concat(written).equals(Buffer.concat(expected))).toBe(true);
  });

  test("a write's error is thrown by a later add or by done", async () => {
    const writes = new WriteBehind(async () => {
      throw new Error('disk full');
    });
    await writes.add(new Uint8Array(BUFFER_BYTES)); // starts the write that fails
    await expect(writes.done()).rejects.toThrow('disk full');
  });
});
