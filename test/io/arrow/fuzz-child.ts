/**
 * Child process of the fuzz test: reads each input given on the command line
 * to the end, writes what it read back out and reads that again, reads an
 * IPC file also for each of its first columns alone (which reads only their
 * buffers), and prints one JSON line per input. An input is "file:<path>" or "stream:<path>", or
 * "mutate-file:<path>#<seed>" / "mutate-stream:<path>#<seed>" for a copy of
 * the file with a few bytes changed at random (seeded). The parent runs it
 * with a memory limit and kills it if an input hangs.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openArrowFile, openArrowStream } from '../../../src/io/arrow/read.js';
import { createArrowWriter } from '../../../src/io/arrow/write.js';
import type { ByteSink } from '../../../src/io/dataset/dataset.js';

/** What happened to one input. */
export interface FuzzOutcome {
  input: string;
  outcome: 'read' | 'error';
  error?: string;
  message?: string;
  rows?: number;
}

const scratch = mkdtempSync(join(tmpdir(), 'bn1d-arrow-fuzz-'));

/** A seeded generator of numbers in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

/** The file with 1 to 4 bytes or aligned int32 words changed, chosen by the seed. */
function mutate(path: string, seed: number): Uint8Array {
  const bytes = Uint8Array.from(readFileSync(path));
  const view = new DataView(bytes.buffer);
  const next = random(seed * 7919 + 17);
  for (let n = 1 + Math.floor(next() * 4); n > 0; n--) {
    const at = Math.floor(next() * bytes.length);
    const mode = next();
    if (mode < 0.4) bytes[at] = Math.floor(next() * 256);
    else if (mode < 0.7) bytes[at] = bytes[at]! ^ (1 << Math.floor(next() * 8));
    else view.setInt32(Math.min(at, bytes.length - 4) & ~3, [0, -1, 0x7fffffff, 8, 1 << 20][Math.floor(next() * 5)]!, true);
  }
  return bytes;
}

/** The path of a file input (a mutated one is written first), or null for a stream. */
function filePath(kind: string, target: string): string | null {
  if (kind === 'file') return target;
  if (kind !== 'mutate-file') return null;
  const [path, seed] = target.split('#') as [string, string];
  writeFileSync(join(scratch, 'mutated'), mutate(path, Number(seed)));
  return join(scratch, 'mutated');
}

async function open(kind: string, target: string) {
  const path = filePath(kind, target);
  if (path) return openArrowFile(path, 'fuzz');
  if (kind === 'stream') return openArrowStream(createReadStream(target), 'fuzz');
  const [source, seed] = target.split('#') as [string, string];
  const bytes = mutate(source, Number(seed));
  return openArrowStream((async function* () { yield bytes; })(), 'fuzz');
}

/**
 * Reads the file (left as open() wrote it) for each of its first 8 columns
 * alone, by batches() and by readChunk(); returns the first failure that is
 * not a DataError, or a DataError when the whole file read.
 */
async function projectedReads(path: string, wholeRead: boolean): Promise<FuzzOutcome | null> {
  const failure = (error: unknown): FuzzOutcome | null => {
    const e = error as Error;
    if (e?.constructor?.name === 'DataError' && !wholeRead) return null;
    const name = e?.constructor?.name === 'DataError' ? 'DataError after a complete read' : (e?.constructor?.name ?? typeof error);
    return { input: '', outcome: 'error', error: name, message: `projection: ${String(e?.message ?? error)}` };
  };
  let reader;
  try {
    reader = await openArrowFile(path, 'fuzz');
  } catch (error) {
    return failure(error);
  }
  try {
    for (const name of [...new Set(reader.schema.fields.map((f) => f.name))].slice(0, 8)) {
      for (const read of [
        async () => { for await (const _ of reader.batches([name])); },
        async () => { for (let i = 0; i < reader.chunkCount!; i++) await reader.readChunk!(i, [name]); },
      ]) {
        try {
          await read();
        } catch (error) {
          const outcome = failure(error);
          if (outcome) return outcome;
        }
      }
    }
  } finally {
    await reader.close();
  }
  return null;
}

async function readAndRewrite(kind: string, target: string): Promise<number> {
  const reader = await open(kind, target);
  const parts: Uint8Array[] = [];
  const sink: ByteSink = { write: async (bytes) => void parts.push(bytes.slice()), end: async () => undefined };
  const writer = createArrowWriter(sink, reader.schema, 'stream');
  let rows = 0;
  try {
    for await (const batch of reader.batches()) {
      rows += batch.numRows;
      await writer.write(batch);
    }
    await writer.finish();
  } finally {
    await reader.close();
  }
  const again = await openArrowStream((async function* () { yield* parts; })(), 'rewritten');
  let rowsAgain = 0;
  for await (const batch of again.batches()) rowsAgain += batch.numRows;
  if (rowsAgain !== rows) throw new Error(`rewritten output has ${rowsAgain} rows, not ${rows}`);
  return rows;
}

for (const input of process.argv.slice(2)) {
  const [kind, path] = [input.slice(0, input.indexOf(':')), input.slice(input.indexOf(':') + 1)];
  let result: FuzzOutcome;
  try {
    result = { input, outcome: 'read', rows: await readAndRewrite(kind, path) };
  } catch (error) {
    const e = error as Error;
    result = { input, outcome: 'error', error: e?.constructor?.name ?? typeof error, message: String(e?.message ?? error) };
  }
  if (kind === 'file' || kind === 'mutate-file') {
    const projected = await projectedReads(kind === 'file' ? path : join(scratch, 'mutated'), result.outcome === 'read');
    if (projected) result = { ...projected, input };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
rmSync(scratch, { recursive: true, force: true });
