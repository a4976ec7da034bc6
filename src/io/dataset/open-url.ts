/**
 * Opens an http(s) input by its first bytes, as openFile does a path: a
 * Parquet or Arrow IPC file is read by byte ranges (the footer, then only
 * the column chunks or buffers asked for), an Arrow IPC stream front to back
 * in one GET.
 */
import { openArrowFile, openArrowStream } from '../arrow/read.js';
import type { HttpSession } from '../files/http-session.js';
import { openParquet } from '../parquet/read.js';
import type { DatasetReader } from './dataset.js';
import { detectFormat } from './detect.js';

/** Opens `url` through `http`; `name` is how messages call it. */
export async function openUrl(url: string, name: string, http: HttpSession): Promise<DatasetReader> {
  const format = detectFormat(await http.head(url), name);
  if (format === 'arrows') return openArrowStream(await http.stream(url), name);
  const file = await http.open(url);
  if (format === 'arrow') return openArrowFile(file, name);
  return openParquet(url, name, { file });
}
