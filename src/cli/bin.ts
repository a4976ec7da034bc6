/** The executable's entry point, bundled into dist/bn1d.mjs (see the build script). */
import { main } from './main.js';

await main();
