/**
 * Inputs read in a seeded random order for `fit --shuffle`: the chunks
 * (Parquet row groups, Arrow record batches) of every input in a new order
 * each epoch, then rows shuffled within a bounded buffer. Streams, which
 * cannot be read out of order, are copied once to a temporary Arrow IPC
 * file. NaN and infinity are checked before rows are shuffled, so an error
 * still names the row group or record batch and the row in it.
 */
import { randomBytes } from 'node:crypto';
import { assertFinite, type NanPolicy } from '../core/batch-moments.js';
import type { Chunk } from '../core/batcher.js';
import { formatCount } from '../core/format-count.js';
import { permutation, seededRandom } from '../core/random.js';
import { ShuffleBuffer } from '../core/shuffle-buffer.js';
import type { BatchNormState } from '../core/state.js';
import { openArrowFile } from '../io/arrow/read.js';
import { createArrowWriter } from '../io/arrow/write.js';
import { createAtomicFile } from '../io/files/atomic-file.js';
import { temporaryFile } from '../io/files/cleanup.js';
import type { DatasetReader } from '../io/dataset/dataset.js';
import { type Feature, featureChunk } from '../io/dataset/features.js';
import { project } from '../io/dataset/projection.js';
import { resolveFeatures } from '../io/dataset/select-features.js';

/** How to shuffle: the seed, and the rows the buffer holds. */
export interface ShuffleOptions {
  seed: number;
  buffer: number;
}

/** A copy of a stream's feature columns as an Arrow IPC file, removed on close or early exit. */
async function randomAccessCopy(reader: DatasetReader, names: readonly string[]): Promise<DatasetReader> {
  const temp = temporaryFile('arrow');
  const file = await createAtomicFile(temp.path);
  try {
    const writer = createArrowWriter(file, project(reader.schema, names).schema, 'file');
    for await (const batch of reader.batches(names)) await writer.write(batch);
    await writer.finish();
    await file.commit();
  } catch (error) {
    await file.abort();
    temp.remove();
    throw error;
  } finally {
    await reader.close();
  }
  const copy = await openArrowFile(temp.path, reader.name);
  return {
    ...copy,
    name: reader.name,
    async close() {
      await copy.close();
      temp.remove();
    },
  };
}

/** An input opened for random access, with its features resolved in the projected chunks it reads. */
interface OpenInput {
  reader: DatasetReader;
  features: Feature[];
}

/** Readers with random access to every input, kept open across epochs. */
export class ShuffledInputs {
  private inputs: OpenInput[] = [];

  constructor(private readonly open: (i: number) => Promise<DatasetReader>, private readonly count: number) {}

  /** Input `i`, opened, checked and resolved the first time it is asked for. */
  private async input(i: number, names: readonly string[], check: (reader: DatasetReader, i: number) => void): Promise<OpenInput> {
    if (!this.inputs[i]) {
      const opened = await this.open(i);
      const reader = opened.readChunk ? opened : await randomAccessCopy(opened, names);
      try {
        check(reader, i);
        this.inputs[i] = { reader, features: resolveFeatures(project(reader.schema, names).schema, names, reader.name) };
      } catch (error) {
        await reader.close();
        throw error;
      }
    }
    return this.inputs[i]!;
  }

  /** One epoch's rows as feature chunks, in the seeded order of epoch `epoch`. */
  async *pass(state: BatchNormState, epoch: number, shuffle: ShuffleOptions, nan: NanPolicy, check: (reader: DatasetReader, i: number) => void, onRows: (n: number) => void): AsyncGenerator<Chunk> {
    const names = state.features;
    const chunks: [number, number][] = [];
    for (let i = 0; i < this.count; i++) {
      const { reader } = await this.input(i, names, check);
      for (let j = 0; j < reader.chunkCount!; j++) chunks.push([i, j]);
    }
    const random = seededRandom(shuffle.seed, epoch);
    const buffer = new ShuffleBuffer(shuffle.buffer, random);
    for (const k of permutation(chunks.length, random)) {
      const [i, j] = chunks[k]!;
      const { reader, features } = this.inputs[i]!;
      const chunk = featureChunk(await reader.readChunk!(j, names), features);
      onRows(chunk.rows);
      if (nan === 'error') {
        const unit = reader.format === 'parquet' ? 'row group' : 'record batch';
        assertFinite(state, { ...chunk, index: 0, startRow: 0 }, { describeRow: (r) => `row ${formatCount(r)} of ${unit} ${formatCount(j)} of ${reader.name}` });
      }
      yield* buffer.push(chunk);
    }
    yield* buffer.finish();
  }

  async close(): Promise<void> {
    await Promise.all(this.inputs.map((input) => input?.reader.close()));
    this.inputs = [];
  }
}

/** A seed from the system, for --shuffle without --seed (it is recorded in the state). */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
