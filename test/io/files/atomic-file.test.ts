import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createAtomicFile } from '../../../src/io/files/atomic-file.js';
import { runCleanup } from '../../../src/io/files/cleanup.js';
import { peek, spool } from '../../../src/io/files/spool.js';

const dir = () => mkdtempSync(join(tmpdir(), 'bn1d-test-'));
async function* chunks(...parts: string[]) {
  for (const p of parts) yield new TextEncoder().encode(p);
}

describe('createAtomicFile', () => {
  test('the target appears only on commit, complete', async () => {
    const d = dir();
    const target = join(d, 'out.bin');
    writeFileSync(target, 'old');
    const file = await createAtomicFile(target);
    await file.write(new Uint8Array(3 << 20).fill(7));
    await file.write(Uint8Array.from([1, 2]));
    expect(readFileSync(target, 'utf8')).toBe('old');
    await file.end();
    await file.commit();
    const bytes = readFileSync(target);
    expect(bytes.length).toBe((3 << 20) + 2);
    expect([bytes[0], bytes.at(-1)]).toEqual([7, 2]);
    expect(readdirSync(d)).toEqual(['out.bin']);
  });

  test('abort, and the cleanup run on early exit, leave nothing behind', async () => {
    const d = dir();
    const a = await createAtomicFile(join(d, 'a.bin'));
    await a.write(Uint8Array.from([1]));
    await a.abort();
    const b = await createAtomicFile(join(d, 'b.bin'));
    await b.write(new Uint8Array(2 << 20));
    runCleanup();
    expect(readdirSync(d)).toEqual([]);
  });

  test('an unwritable folder is a clear error', async () => {
    await expect(createAtomicFile('/nonexistent-dir/x.parquet')).rejects.toThrow('cannot write /nonexistent-dir/x.parquet: no such file or directory');
  });
});

describe('peek and spool', () => {
  test('peek returns the head and replays every byte', async () => {
    const { head, chunks: all } = await peek(chunks('PA', 'R1xyz', 'tail'), 4);
    expect(new TextDecoder().decode(head)).toBe('PAR1xyz');
    let text = '';
    for await (const c of all) text += new TextDecoder().decode(c);
    expect(text).toBe('PAR1xyztail');
  });

  test('spool copies a stream to a temporary file that remove() deletes', async () => {
    const copy = await spool(chunks('abc', 'def'), 'stdin');
    expect(readFileSync(copy.path, 'utf8')).toBe('abcdef');
    copy.remove();
    expect(existsSync(copy.path)).toBe(false);
  });
});
