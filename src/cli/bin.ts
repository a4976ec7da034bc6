/**
 * The executable's entry point, bundled into dist/bn1d.cjs (see the build
 * script), which bin/bn1d.js loads with V8's code cache of it.
 */
import { setFlagsFromString } from 'node:v8';
import { main } from './main.js';
import { V8_FLAGS } from './v8-flags.js';
import { capYoungGeneration } from './young-generation.js';

// Set by bin/bn1d.js before the bundle is compiled (the code cache holds the flags); again here for a bundle run alone.
setFlagsFromString(V8_FLAGS);
capYoungGeneration();

void main();
