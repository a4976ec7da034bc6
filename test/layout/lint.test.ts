/**
 * The lint rules of eslint.config.js catch imports that cross the layers
 * (src/core <- src/io <- src/pipeline <- src/cli, src/index.ts) the wrong way,
 * and deep imports of packages' internals, while the imports the layers are
 * meant to use pass. Each case lints a planted line as if it were at that path.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const eslint = new ESLint({ cwd: ROOT });

async function lint(path: string, code: string): Promise<{ ruleId: string | null; message: string }[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: join(ROOT, path) });
  return result!.messages.map(({ ruleId, message }) => ({ ruleId, message }));
}

/** One no-restricted-imports error for the planted line, whose message contains `reason`. */
async function expectRejected(path: string, code: string, reason: string): Promise<void> {
  const messages = await lint(path, code);
  expect(messages, `${path}: ${code}`).toHaveLength(1);
  expect(messages[0]!.ruleId).toBe('no-restricted-imports');
  expect(messages[0]!.message).toContain(reason);
}

async function expectAllowed(path: string, code: string): Promise<void> {
  expect(await lint(path, code), `${path}: ${code}`).toEqual([]);
}

const CORE = 'src/core is pure math';
const DEEP = "Import the package's public entry point";
const ARROW = "Import from 'apache-arrow' itself";

describe('src/core', () => {
  test('rejects Node built-ins, with or without the node: prefix', async () => {
    await expectRejected('src/core/batch-norm.ts', "import { readFileSync } from 'node:fs';", CORE);
    await expectRejected('src/core/batch-norm.ts', "import { readFile } from 'node:fs/promises';", CORE);
    await expectRejected('src/core/batch-norm.ts', "import { readFileSync } from 'fs';", CORE);
    await expectRejected('src/core/stats/moments.ts', "import { join } from 'path';", CORE);
  });

  test('rejects src/io, src/pipeline, src/cli and src/index.ts from any depth', async () => {
    await expectRejected('src/core/batch-norm.ts', "import { x } from '../io/x.js';", 'src/core must not import');
    await expectRejected('src/core/batch-norm.ts', "import type { X } from '../io/parquet/x.js';", 'src/core must not import');
    await expectRejected('src/core/batch-norm.ts', "export { x } from '../pipeline/x.js';", 'src/core must not import');
    await expectRejected('src/core/batch-norm.ts', "import { x } from '../cli/x.js';", 'src/core must not import');
    await expectRejected('src/core/batch-norm.ts', "import { x } from '../index.js';", 'src/core must not import src/index.ts');
    await expectRejected('src/core/stats/moments.ts', "import { x } from '../../io/x.js';", 'src/core must not import');
    await expectRejected('src/core/stats/moments.ts', "import { x } from '../../index.js';", 'src/core must not import src/index.ts');
    await expectRejected('src/core/batch-norm.ts', "import { x } from '../../src/io/x.js';", 'src/core must not import');
  });

  test('allows its own files', async () => {
    await expectAllowed('src/core/batch-norm.ts', "import { x } from './other.js';");
    await expectAllowed('src/core/stats/moments.ts', "import { x } from '../errors.js';");
  });
});

describe('src/io', () => {
  test('rejects src/pipeline, src/cli and src/index.ts from any depth', async () => {
    await expectRejected('src/io/x.ts', "import { x } from '../pipeline/x.js';", 'src/io must not import');
    await expectRejected('src/io/x.ts', "import { x } from '../cli/main.js';", 'src/io must not import');
    await expectRejected('src/io/x.ts', "import { x } from '../index.js';", 'src/io must not import src/index.ts');
    await expectRejected('src/io/parquet/read.ts', "import { x } from '../../pipeline/x.js';", 'src/io must not import');
    await expectRejected('src/io/parquet/read.ts', "import { x } from '../../index.js';", 'src/io must not import src/index.ts');
  });

  test('allows src/core, its own folders, an io barrel and Node built-ins', async () => {
    await expectAllowed('src/io/x.ts', "import { x } from '../core/errors.js';");
    await expectAllowed('src/io/parquet/read.ts', "import { x } from '../../core/errors.js';");
    await expectAllowed('src/io/parquet/read.ts', "import { x } from '../codecs/zstd.js';");
    await expectAllowed('src/io/parquet/read.ts', "import { x } from '../index.js';");
    await expectAllowed('src/io/x.ts', "import { open } from 'node:fs/promises';");
  });
});

describe('src/pipeline', () => {
  test('rejects src/cli and src/index.ts', async () => {
    await expectRejected('src/pipeline/fit.ts', "import { x } from '../cli/x.js';", 'src/pipeline must not import');
    await expectRejected('src/pipeline/fit.ts', "import { x } from '../index.js';", 'src/pipeline must not import src/index.ts');
    await expectRejected('src/pipeline/fit/epochs.ts', "import { x } from '../../cli/x.js';", 'src/pipeline must not import');
  });

  test('allows src/io and src/core', async () => {
    await expectAllowed('src/pipeline/fit.ts', "import { x } from '../io/parquet/read.js';\nimport { y } from '../core/errors.js';");
  });
});

describe('deep imports of packages', () => {
  test("reject a package's src/ (or dist/, lib/) files in every folder and layer", async () => {
    await expectRejected('src/io/parquet/decode.ts', "import { parquetHeader } from 'hyparquet/src/column.js';", DEEP);
    await expectRejected('src/core/batch-norm.ts', "import { parquetHeader } from 'hyparquet/src/column.js';", DEEP);
    await expectRejected('src/pipeline/fit.ts', "import type { Writer } from 'hyparquet-writer/src/types.js';", DEEP);
    await expectRejected('src/cli/main.ts', "export { writeColumn } from 'hyparquet-writer/src/column.js';", DEEP);
    await expectRejected('test/io/snappy.test.ts', "import { snappyCompress } from 'hyparquet-writer/src/snappy.js';", DEEP);
    await expectRejected('bench/bench.mjs', "import x from 'commander/lib/command.js';", DEEP);
    await expectRejected('scripts/fuzz.mjs', "import x from '@duckdb/node-api/dist/index.js';", DEEP);
  });

  test("reject apache-arrow's internal modules", async () => {
    await expectRejected('src/io/arrow/read.ts', "import { RecordBatchReader } from 'apache-arrow/ipc/reader';", ARROW);
    await expectRejected('test/io/arrow.test.ts', "import { Table } from 'apache-arrow/Arrow.node.mjs';", ARROW);
  });

  test('allow the packages themselves and their documented subpaths', async () => {
    await expectAllowed(
      'src/io/x.ts',
      [
        "import { tableFromIPC } from 'apache-arrow';",
        "import { parquetRead } from 'hyparquet';",
        "import { parquetWrite } from 'hyparquet-writer';",
        "import { compressors } from 'hyparquet-compressors';",
      ].join('\n'),
    );
    await expectAllowed('vitest.config.ts', "import { defineConfig } from 'vitest/config';");
    await expectAllowed('src/cli/main.ts', "import { x } from '../io/src/x.js';");
  });
});
