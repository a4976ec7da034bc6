/** The executable's entry point, bundled into dist/bn1d.mjs (see the build script). */
import { setFlagsFromString } from 'node:v8';
import { main } from './main.js';

// bn1d streams: most of what it allocates lives for one batch or one page. V8's allocation-site
// pretenuring takes some of those sites for long-lived ones and allocates them straight into the
// old generation, which then fills with garbage that only a full collection frees: on 100M rows
// of 8 float32, fit at --jobs 2 peaked at 245-292 MB with it and 209-215 MB without, and was no slower.
setFlagsFromString('--no-allocation-site-pretenuring');

await main();
