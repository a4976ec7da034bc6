/** How the CLI names a library setting in messages: its flag. */
import type { OptionName, Spelling } from '../pipeline/options.js';

/** Flags whose name is not the setting's in kebab case: affine is turned off by --no-affine, headers are given one --header at a time. */
const NAMED: Partial<Record<OptionName, string>> = { affine: '--no-affine', headers: '--header' };

/** "--batch-size" for batchSize. */
export const flagSpelling: Spelling = (option) => NAMED[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
