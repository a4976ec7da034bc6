/**
 * Opens an output table: a file written atomically, or standard output,
 * in the format the user asked for or the file's extension implies.
 */
import type { Writable } from 'node:stream';
import type { Schema } from 'apache-arrow';
import { UsageError } from '../core/errors.js';
import { createArrowWriter } from './arrow-write.js';
import { createOutputFile } from './atomic-file.js';
import type { ByteSink, DataFormat, DatasetWriter, WriterOptions } from './dataset.js';
import { createParquetWriter } from './parquet-write.js';
import { streamSink } from './stdout-sink.js';

const EXTENSIONS: Record<string, DataFormat> = {
  parquet: 'parquet',
  pq: 'parquet',
  arrow: 'arrow',
  feather: 'arrow',
  ipc: 'arrow',
  arrows: 'arrows',
};

/** The output format: the flag, else the extension, else (stdout) an Arrow IPC stream. */
export function outputFormat(path: string, flag: DataFormat | undefined): DataFormat {
  if (flag) return flag;
  if (path === '-') return 'arrows';
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  const format = ext ? EXTENSIONS[ext] : undefined;
  if (!format) {
    throw new UsageError(`cannot tell the output format from "${path}": name it .parquet, .arrow or .arrows, or pass --format parquet|arrow|arrows`);
  }
  return format;
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
