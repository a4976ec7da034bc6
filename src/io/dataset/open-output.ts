/**
 * Opens an output table: a file written atomically, or standard output,
 * in the format the user asked for or the file's extension implies.
 */
import type { Writable } from 'node:stream';
import type { Schema } from 'apache-arrow';
import { createArrowWriter } from '../arrow/write.js';
import { createOutputFile } from '../files/atomic-file.js';
import type { ByteSink, DataFormat, DatasetWriter, WriterOptions } from './dataset.js';
import { createParquetWriter } from '../parquet/write.js';
import { streamSink } from '../files/stdout-sink.js';

const EXTENSIONS: Record<string, DataFormat> = {
  parquet: 'parquet',
  pq: 'parquet',
  arrow: 'arrow',
  feather: 'arrow',
  ipc: 'arrow',
  arrows: 'arrows',
};

/** The output format: the one asked for, else the extension's, else (stdout) an Arrow IPC stream; undefined for an extension bn1d does not know. */
export function outputFormat(path: string, asked: DataFormat | undefined): DataFormat | undefined {
  if (asked) return asked;
  if (path === '-') return 'arrows';
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  return ext ? EXTENSIONS[ext] : undefined;
}

/** A table being written; finish() completes and publishes it, abort() leaves nothing behind. */
export interface OutputTable {
  readonly writer: DatasetWriter;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

function writerFor(format: DataFormat, sink: ByteSink, schema: Schema, options: WriterOptions): DatasetWriter {
  if (format === 'parquet') return createParquetWriter(sink, schema, options);
  return createArrowWriter(sink, schema, format === 'arrow' ? 'file' : 'stream', options);
}

/** Opens `path` ('-' for `stdout`) for a table with this schema. */
export async function openOutput(path: string, format: DataFormat, schema: Schema, stdout: Writable, options: WriterOptions = {}): Promise<OutputTable> {
  if (path === '-') {
    const writer = writerFor(format, streamSink(stdout), schema, options);
    return { writer, finish: () => writer.finish(), abort: async () => undefined };
  }
  const file = await createOutputFile(path);
  let writer: DatasetWriter;
  try {
    writer = writerFor(format, file, schema, options);
  } catch (error) {
    await file.abort();
    throw error;
  }
  return {
    writer,
    async finish() {
      await writer.finish();
      await file.commit();
    },
    abort: () => file.abort(),
  };
}
