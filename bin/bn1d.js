#!/usr/bin/env node
// The CLI is one bundled file: loading it takes a fraction of loading ~300 separate modules.
// With BN1D_DEBUG=1, stack traces name the TypeScript sources (the bundle has a source map).
if (process.env.BN1D_DEBUG === '1') process.setSourceMapsEnabled(true);
await import('../dist/bn1d.mjs');
