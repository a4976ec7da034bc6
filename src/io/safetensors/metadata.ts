/**
 * What a bn1d export keeps in a safetensors file's metadata: the features,
 * eps and momentum that PyTorch's state_dict does not store, and a tag by
 * which bn1d recognises its own files. Values are strings, as the format asks.
 */
import { DataError } from '../../core/errors.js';
import type { BatchNormState } from '../../core/state.js';
import { STATE_FORMAT, STATE_VERSION } from '../../core/state-json.js';

/** Metadata keys of the tag. */
const TAG = 'bn1d_format';
const VERSION = 'bn1d_version';

/** The settings of a bn1d export. */
export interface Settings {
  features: string[];
  eps: number;
  momentum: number | null;
  fit?: Record<string, unknown>;
}

/** The metadata of a state's export ("format": "pt" as PyTorch tools expect, numbers that read back exactly). */
export function bn1dMetadata(state: BatchNormState): Record<string, string> {
  const metadata: Record<string, string> = {
    format: 'pt',
    [TAG]: STATE_FORMAT,
    [VERSION]: String(STATE_VERSION),
    features: JSON.stringify(state.features),
    eps: String(state.eps),
    momentum: state.momentum === null ? 'none' : String(state.momentum),
  };
  if (state.fit !== undefined) metadata.fit = JSON.stringify(state.fit);
  return metadata;
}

/** The settings a bn1d export keeps in its metadata, or undefined for any other safetensors file. */
export function bn1dSettings(metadata: Readonly<Record<string, string>>, source: string): Settings | undefined {
  if (metadata[TAG] !== STATE_FORMAT) return undefined;
  const fail = (what: string): never => {
    throw new DataError(`${source}: ${what} in the bn1d metadata`);
  };
  if (metadata[VERSION] !== String(STATE_VERSION)) fail(`version ${JSON.stringify(metadata[VERSION])} is not supported (this bn1d reads ${STATE_VERSION})`);
  const json = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key] ?? 'null');
    } catch {
      return fail(`"${key}" is not valid JSON`);
    }
  };
  const features = json('features');
  if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) fail('"features" is not a JSON array of strings');
  const number = (key: string) => {
    const text = metadata[key] ?? '';
    const x = Number(text);
    if (text.trim() === '' || !Number.isFinite(x)) fail(`"${key}" is ${JSON.stringify(metadata[key])}, not a number`);
    return x;
  };
  const fit = json('fit');
  return {
    features: features as string[],
    eps: number('eps'),
    momentum: metadata.momentum === 'none' ? null : number('momentum'),
    ...(typeof fit === 'object' && fit !== null && !Array.isArray(fit) ? { fit: fit as Record<string, unknown> } : {}),
  };
}
