#!/usr/bin/env node
// The CLI is one bundled file (loading it takes a fraction of loading ~300 separate modules), compiled
// with V8's code cache of it when there is one: `npm run build` writes dist/bn1d.cjs.cache after fits
// and an apply of a fixture (scripts/code-cache.mjs). A cache from another Node or V8 is turned down by V8,
// and the bundle is compiled as it would be without one.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

// The flags the bundle sets (src/cli/v8-flags.ts, by its text), set first: V8 takes a cache only under the flags it was made with.
setFlagsFromString('--no-allocation-site-pretenuring --heap-growing-percent=100');
const filename = fileURLToPath(new URL('../dist/bn1d.cjs', import.meta.url));
const cacheFile = `${filename}.cache`;
const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
const script = new Script(Module.wrap(readFileSync(filename, 'utf8')), { filename, cachedData });
// The bundle may have turned the young generation's growth off (src/cli/young-generation.ts): the cache is made
// under the default, the flags it is loaded with.
const writeCache = () => (setFlagsFromString('--semi-space-growth-factor=2'), writeFileSync(cacheFile, script.createCachedData()));
if (process.env.BN1D_WRITE_CODE_CACHE === '1') process.on('exit', writeCache);
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(filename), module, filename, fileURLToPath(new URL('../dist/', import.meta.url)));
