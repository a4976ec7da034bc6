/** How the CLI names a library setting in messages: its flag. */
import type { Spelling } from '../pipeline/options.js';

/** "--batch-size" for batchSize; affine is turned off by --no-affine. */
export const flagSpelling: Spelling = (option) => (option === 'affine' ? '--no-affine' : `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
