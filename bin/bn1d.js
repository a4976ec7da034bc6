#!/usr/bin/env node
// The CLI is one bundled file: loading it takes a fraction of loading ~300 separate modules.
await import('../dist/bn1d.mjs');
