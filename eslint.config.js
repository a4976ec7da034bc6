// Lint rules that keep the layers apart,
//   src/core (pure math, no I/O) <- src/io <- src/pipeline <- src/cli, src/index.ts,
// so that imports point down the layers only, and keep every file on the public
// entry points of the packages it uses. test/layout/lint.test.ts plants a
// violation of each rule.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'bn1d-lint';

const SOURCE_FILES = '**/*.{ts,mts,cts,js,mjs,cjs}';

// A package's source or build folders, and any subpath of apache-arrow (whose
// root is its only entry point), are internals that change between releases.
const DEEP_IMPORTS = [
  {
    regex: '^(?:@[^/]+/)?[^./@][^/]*/(?:src|dist|lib)(?:/|$)',
    message: "Import the package's public entry point, not its internal files.",
  },
  {
    regex: '^apache-arrow/',
    message: "Import from 'apache-arrow' itself, not its internal modules.",
  },
];

const NO_NODE = 'src/core is pure math: no Node built-ins; reading and writing belong in src/io.';
const NODE_BUILTIN_PATHS = builtinModules.map((name) => ({ name, message: NO_NODE }));
const NODE_PREFIX = { regex: '^node:', message: NO_NODE };

// The src/ folders each layer must not import, besides src/index.ts.
const LAYERS = {
  core: { forbidden: ['io', 'pipeline', 'cli'], nodeBuiltins: false },
  io: { forbidden: ['pipeline', 'cli'], nodeBuiltins: true },
  pipeline: { forbidden: ['cli'], nodeBuiltins: true },
};

// Imports are matched as written, so how many '../' lead from a file back to
// src/ depends on how deep the file sits below its layer folder: d + 1 from
// depth d (src/io/x.ts is at depth 0, src/io/parquet/x.ts at depth 1). One
// config per depth keeps, for src/io/parquet/x.ts, '../index.js' (an io barrel)
// apart from '../../index.js' (src/index.ts). Files at MAX_DEPTH or deeper share
// one config that counts MAX_DEPTH + 1 or more.
const MAX_DEPTH = 4;

/** The start of a relative path that leads to src/ from `depth`, directly or through the repository root. */
function upToSrc(depth, orDeeper) {
  const times = (n) => (orDeeper ? `{${n},}` : `{${n}}`);
  return `(?:(?:\\.\\./)${times(depth + 1)}|(?:\\.\\./)${times(depth + 2)}src/)`;
}

function layerConfig(layer, { forbidden, nodeBuiltins }, depth) {
  const orDeeper = depth === MAX_DEPTH;
  const up = upToSrc(depth, orDeeper);
  const patterns = [
    ...DEEP_IMPORTS,
    {
      regex: `^${up}(?:${forbidden.join('|')})(?:/|$)`,
      message: `src/${layer} must not import src/${forbidden.join(', src/')}: imports point down the layers only.`,
    },
    {
      regex: `^${up}index(?:\\.[cm]?[jt]s)?$`,
      message: `src/${layer} must not import src/index.ts: imports point down the layers only.`,
    },
  ];
  if (!nodeBuiltins) patterns.push(NODE_PREFIX);
  return {
    name: `bn1d/layers/${layer}/depth-${depth}${orDeeper ? '-and-deeper' : ''}`,
    files: [`src/${layer}/${'*/'.repeat(depth)}${orDeeper ? '**/' : ''}*.{ts,mts,cts,js,mjs,cjs}`],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeBuiltins ? [] : NODE_BUILTIN_PATHS, patterns }],
    },
  };
}

export default defineConfig([
  { ignores: ['dist/', 'bench/data/', 'tmp/', 'fixtures/'] },
  {
    name: 'bn1d/typescript',
    files: ['**/*.{ts,mts,cts}'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
  },
  {
    name: 'bn1d/deep-imports',
    files: [SOURCE_FILES],
    rules: { 'no-restricted-imports': ['error', { patterns: DEEP_IMPORTS }] },
  },
  // A later config replaces the rule's options for the files it matches, so
  // each layer's rule repeats the deep-import patterns.
  ...Object.entries(LAYERS).flatMap(([layer, rule]) =>
    Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => layerConfig(layer, rule, depth)),
  ),
]);
