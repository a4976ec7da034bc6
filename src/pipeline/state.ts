/** State files for the library: read (bn1d JSON or a safetensors state_dict, validated) and written (atomically) as documents. */
import { stateFromDocument, type StateDocument, stateDocument } from '../core/state-json.js';
import { readStateFile, writeState as writeStateFile } from '../io/files/state-file.js';

/** Options of readState. */
export interface ReadStateOptions {
  /** Feature names for a safetensors state_dict from PyTorch, which names none. */
  features?: readonly string[] | undefined;
  /** Which BatchNorm layer of a state_dict that holds several (the prefix of its keys, such as "bn1."). */
  prefix?: string | undefined;
}

/** The state file at `path`, checked as bn1d apply checks it. */
export async function readState(path: string, options: ReadStateOptions = {}): Promise<StateDocument> {
  return stateDocument(await readStateFile(path, { features: options.features, featuresFlag: 'options.features', prefix: options.prefix }));
}

/** Writes a state file atomically: a reader sees the old file or the new one, never part of one. */
export async function writeState(state: StateDocument, path: string): Promise<void> {
  await writeStateFile(stateFromDocument(state), path);
}
