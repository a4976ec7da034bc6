/** Inputs as files: dataset folders, glob patterns, URLs, on a tree of small files whose first bytes say what they are. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { Bn1dError } from '../../../src/core/errors.js';
import { datasetFiles, sortPaths } from '../../../src/io/files/dataset-files.js';
import { expandInputs } from '../../../src/io/files/expand-inputs.js';
import { globMatches } from '../../../src/io/files/glob-files.js';

const PARQUET = 'PAR1\x15\x00\x00\x00';
const ARROW = 'ARROW1\x00\x00';
const STREAM = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x78, 0, 0, 0]);

const top = mkdtempSync(join(tmpdir(), 'bn1d-expand-'));
const root = join(top, 'dataset');

function put(path: string, content: string | Uint8Array): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

beforeAll(() => {
  const data = ['a.parquet', 'a/x.parquet', 'a.b/y.parquet', 'B.parquet', 'z.parquet', 'é.parquet', 'Ａ.parquet', '😀.parquet', 'date=2024-01-01/part-00000.snappy.parquet'];
  for (const name of data) put(join(root, name), PARQUET);
  put(join(root, 'date=2024-01-02/part-00000.arrow'), ARROW);
  put(join(root, 'stream.bin'), STREAM); // an Arrow stream, recognised by its bytes
  put(join(root, '000000_0'), PARQUET); // Hive names part files without an extension
  put(join(root, 'arrowfile'), ARROW);
  put(join(root, 'corrupt.parquet'), 'not parquet at all'); // data by its name: reading it will say what is wrong
  // Left out by name: the _ and . names of Spark and Hadoop, and .crc files, whatever they hold.
  put(join(root, '_SUCCESS'), '');
  for (const name of ['_metadata', '_common_metadata', '_temporary/0/part-0.parquet', '.hidden/part-0.parquet', '.part-0.parquet.crc', 'part-0.parquet.crc']) put(join(root, name), PARQUET);
  // Left out by content.
  put(join(root, 'README.txt'), 'A dataset.\n');
  put(join(root, 'schema.json'), '{"fields": []}');
  put(join(root, 'empty-file'), '');
  mkdirSync(join(root, 'empty/sub'), { recursive: true });
  // Symlinks: a file and a folder outside, and a loop back to the dataset.
  put(join(top, 'outside.parquet'), PARQUET);
  put(join(top, 'other/w.parquet'), PARQUET);
  symlinkSync(join(top, 'outside.parquet'), join(root, 'link.parquet'));
  symlinkSync(join(top, 'other'), join(root, 'linked'));
  symlinkSync('..', join(root, 'a/loop'));
  execFileSync('mkfifo', [join(root, 'pipe.parquet')]); // never opened: it would block
  put(join(top, 'weird[1].parquet'), PARQUET);
  put(join(top, 'quiet/README.md'), '# nothing here\n');
});

const inRoot = (...names: string[]) => names.map((n) => `${root}/${n}`);

/** The dataset's data files, relative, in the order `LC_ALL=C sort` gives them. */
const EXPECTED = [
  '000000_0',
  'B.parquet',
  'a.b/y.parquet',
  'a.parquet',
  'a/x.parquet',
  'arrowfile',
  'corrupt.parquet',
  'date=2024-01-01/part-00000.snappy.parquet',
  'date=2024-01-02/part-00000.arrow',
  'link.parquet',
  'linked/w.parquet',
  'stream.bin',
  'z.parquet',
  'é.parquet',
  'Ａ.parquet',
  '😀.parquet',
];

function cSort(lines: readonly string[]): string[] {
  return execFileSync('sort', { input: lines.join('\n') + '\n', env: { ...process.env, LC_ALL: 'C' } }).toString().split('\n').slice(0, -1);
}

async function error(promise: Promise<unknown>): Promise<Bn1dError> {
  const e = await promise.then(() => undefined, (e: unknown) => e);
  expect(e).toBeInstanceOf(Bn1dError);
  return e as Bn1dError;
}

describe('a dataset folder', () => {
  test('is its data files at any depth, in byte order of their paths, as LC_ALL=C sort orders them', async () => {
    expect(cSort(EXPECTED)).toEqual(EXPECTED);
    expect(await datasetFiles(root)).toEqual(inRoot(...EXPECTED));
  });

  test('keeps the folder as written as the prefix of its files', async () => {
    expect(await datasetFiles(`${root}/`)).toEqual(inRoot(...EXPECTED));
    expect(await datasetFiles(`${root}/./a`)).toEqual([`${root}/./a/x.parquet`]);
  });

  test('expands in the order given, among other inputs, and says it expanded', async () => {
    const outside = join(top, 'outside.parquet');
    const expanded = await expandInputs([outside, `${root}/a`, '-', outside]);
    expect(expanded).toEqual({ given: [outside, `${root}/a`, '-', outside], files: [outside, `${root}/a/x.parquet`, '-', outside], expanded: true });
    expect((await expandInputs([outside, '-'])).expanded).toBe(false);
  });

  test('without a data file is bad data (exit 1) naming it', async () => {
    const e = await error(expandInputs([join(root, 'empty')]));
    expect(e.exitCode).toBe(1);
    expect(e.message).toMatch(new RegExp(`^${join(root, 'empty')}: no Parquet or Arrow file in this folder or below`));
    expect((await error(expandInputs([join(top, 'quiet')]))).exitCode).toBe(1);
  });

  test('with an entry that cannot be read is an error naming it', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'bn1d-broken-'));
    put(join(broken, 'ok.parquet'), PARQUET);
    symlinkSync(join(broken, 'gone.parquet'), join(broken, 'part-1.parquet'));
    const e = await error(datasetFiles(broken));
    expect(e.message).toBe(`cannot read ${broken}/part-1.parquet: no such file or directory`);
  });
});

describe('a glob', () => {
  test.each([
    ['*.parquet', ['B.parquet', 'a.parquet', 'corrupt.parquet', 'link.parquet', 'z.parquet', 'é.parquet', 'Ａ.parquet', '😀.parquet']],
    ['?.parquet', ['B.parquet', 'a.parquet', 'z.parquet', 'é.parquet', 'Ａ.parquet', '😀.parquet']],
    ['[a-z].parquet', ['a.parquet', 'z.parquet']],
    ['{z,a}.parquet', ['a.parquet', 'z.parquet']],
    ['date=*/*', ['date=2024-01-01/part-00000.snappy.parquet', 'date=2024-01-02/part-00000.arrow']],
    ['date=2024-01-0[2-9]', ['date=2024-01-02/part-00000.arrow']],
    ['**/*.parquet', ['B.parquet', 'a.b/y.parquet', 'a.parquet', 'a/x.parquet', 'corrupt.parquet', 'date=2024-01-01/part-00000.snappy.parquet', 'link.parquet', 'linked/w.parquet', 'z.parquet', 'é.parquet', 'Ａ.parquet', '😀.parquet']],
    ['**/part-*', ['date=2024-01-01/part-00000.snappy.parquet', 'date=2024-01-02/part-00000.arrow']],
    ['a*', ['a.b/y.parquet', 'a.parquet', 'a/x.parquet', 'arrowfile']],
    ['**', EXPECTED],
    ['*', EXPECTED],
    ['_*', ['_common_metadata', '_metadata', '_temporary/0/part-0.parquet']],
    ['.*/*', ['.hidden/part-0.parquet']],
  ])('%s is the data files it matches (or that are in folders it matches), sorted', async (pattern, names) => {
    const expanded = await expandInputs([`${root}/${pattern}`]);
    expect(expanded.files).toEqual(inRoot(...names));
    expect(expanded).toMatchObject({ given: [`${root}/${pattern}`], expanded: true });
  });

  test('that matches no data file is bad usage (exit 2) naming it', async () => {
    for (const pattern of [`${root}/*.csv`, `${root}/*.txt`, `${root}/empty/*`, `${top}/nowhere/*.parquet`, `${root}/**/nothing-*`]) {
      const e = await error(expandInputs([pattern]));
      expect([e.exitCode, e.message]).toEqual([2, `no Parquet or Arrow file matches ${pattern}`]);
    }
  });

  test('is not expanded when a file has its name, and is when none has', async () => {
    const literal = join(top, 'weird[1].parquet');
    expect(await expandInputs([literal])).toEqual({ given: [literal], files: [literal], expanded: false });
    const e = await error(expandInputs([join(top, 'weird[2].parquet')]));
    expect(e.exitCode).toBe(2);
  });

  test('property: matches what a regular expression of the whole path matches, on random trees', async () => {
    const name = fc.array(fc.constantFrom('a', 'b', '.', '_'), { minLength: 1, maxLength: 2 }).map((cs) => cs.join('')).filter((n) => n !== '.' && n !== '..');
    const tree = fc.uniqueArray(fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')), { maxLength: 10 });
    const segment = fc.oneof({ arbitrary: name, weight: 1 }, { arbitrary: fc.constantFrom('*', '?', '*a', '[a_]*', '**', '**', '.*', '_?'), weight: 3 });
    const pattern = fc.array(segment, { minLength: 1, maxLength: 3 }).filter((s) => s.at(-1) !== '**');
    await fc.assert(
      fc.asyncProperty(tree, pattern, async (paths, segments) => {
        const base = mkdtempSync(join(top, 'tree-'));
        const files: string[] = [];
        for (const path of paths) {
          // A path whose folder is already a file cannot be made: keep the trees that can.
          try {
            put(join(base, path), PARQUET);
            files.push(path);
          } catch {}
        }
        const folders = new Set(files.flatMap((f) => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
        const entries = [...files.filter((f) => !folders.has(f)), ...folders];
        const got = [...(await globMatches(`${base}/${segments.join('/')}`)).keys()].map((p) => p.slice(base.length + 1));
        expect(sortPaths(got)).toEqual(sortPaths(entries.filter((e) => wholePathRegExp(segments).test(e))));
      }),
      { numRuns: 300 },
    );
  });
});

/** The reference of the property: a pattern's segments as one regular expression of a relative path. */
function wholePathRegExp(segments: readonly string[]): RegExp {
  const one = (s: string) => {
    const wild = /[*?[]/.test(s);
    const body = Array.from(s).map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c === '[' ? '[' : c === ']' ? ']' : c.replace(/[.^$+()|{}\\]/g, '\\$&'))).join('');
    return wild && s[0] !== '.' && s[0] !== '_' ? `(?![._])${body}` : body;
  };
  const source = segments.map((s) => (s === '**' ? '(?:(?![._])[^/]+/)*' : `${one(s)}/`)).join('');
  return new RegExp(`^${source.slice(0, -1)}$`, 'u');
}

describe('a URL', () => {
  test.each(['https://example.com/data/*.parquet', 'http://host/events/', 'https://b.s3.amazonaws.com/k/x.parquet?X-Amz-Signature=a%2Fb&e=1'])(
    '%s (http or https) is one file, as given: no folder or glob expansion',
    async (url) => {
      expect(await expandInputs([url])).toEqual({ given: [url], files: [url], expanded: false });
    },
  );

  test('that does not parse is bad usage, named without its query', async () => {
    const e = await error(expandInputs(['https://exa mple.com/x.parquet?sig=s3cret']));
    expect([e.exitCode, e.message]).toEqual([2, 'https://exa mple.com/x.parquet: not a valid URL']);
  });

  test.each(['s3://bucket/key/*.parquet', 'gs://b/o', 'az://c/p', 'abfss://c@a.dfs.core.windows.net/p', 'hdfs://nn/p'])('%s (another scheme) is bad usage', async (url) => {
    const e = await error(expandInputs([url]));
    expect([e.exitCode, e.message]).toEqual([2, `${url}: only http:// and https:// URLs are read; download the data and give the local path, or give an https:// URL of it (a presigned one, for a bucket)`]);
  });

  test('file:// says to give the path', async () => {
    expect((await error(expandInputs(['file:///data/x.parquet']))).message).toBe('file:///data/x.parquet: only http:// and https:// URLs are read; give the local path instead');
  });
});
