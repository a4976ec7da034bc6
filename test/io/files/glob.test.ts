/** The glob pattern language, without a file system: segments, brace alternatives, and where a pattern's folders end. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { expandBraces, isGlob, planGlob, segmentMatcher } from '../../../src/io/files/glob.js';

/**
 * The reference: a segment translated to a regular expression, written
 * independently of the matcher (which never builds one), and checked on the
 * examples below as a shell would answer them.
 */
function referenceRegExp(segment: string): RegExp {
  const chars = Array.from(segment);
  const escape = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  const escapeInSet = (c: string) => c.replace(/[\\^\]\[-]/g, '\\$&');
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      let j = i + 1;
      const negated = chars[j] === '!' || chars[j] === '^';
      if (negated) j++;
      let body = '';
      let closed = false;
      for (let first = true; j < chars.length; first = false) {
        if (chars[j] === ']' && !first) {
          closed = true;
          break;
        }
        if (chars[j + 1] === '-' && j + 2 < chars.length && chars[j + 2] !== ']') {
          const [low, high] = [chars[j]!.codePointAt(0)!, chars[j + 2]!.codePointAt(0)!];
          body += low <= high ? `${escapeInSet(chars[j]!)}-${escapeInSet(chars[j + 2]!)}` : '';
          j += 3;
        } else body += escapeInSet(chars[j++]!);
      }
      if (!closed) source += '\\[';
      else {
        source += body === '' ? (negated ? '[^]' : '[]') : `[${negated ? '^' : ''}${body}]`;
        i = j;
      }
    } else source += escape(c);
  }
  // A leading '.' or '_' of a name is matched only by the same literal character.
  const literalLead = chars[0] === '.' || chars[0] === '_';
  return new RegExp(`^${literalLead ? '' : '(?![._])'}${source}$`, 'su');
}

const examples: [pattern: string, name: string, matches: boolean][] = [
  ['*.parquet', 'part-0.parquet', true],
  ['*.parquet', 'part-0.parquet.crc', false],
  ['*.parquet', '.part-0.parquet', false],
  ['*', '_SUCCESS', false],
  ['_*', '_SUCCESS', true],
  ['.*', '.hidden', true],
  ['[.]hidden', '.hidden', false],
  ['part-?', 'part-7', true],
  ['part-?', 'part-17', false],
  ['?', 'é', true],
  ['?', '😀', true],
  ['[abc].x', 'b.x', true],
  ['[abc].x', 'd.x', false],
  ['[a-c]*', 'cat', true],
  ['[!a-c]*', 'cat', false],
  ['[^a-c]*', 'dog', true],
  ['[]]', ']', true],
  ['[!]]', 'a', true],
  ['[a-]', '-', true],
  ['[z-a]', 'm', false],
  ['[*]', '*', true],
  ['[*]', 'x', false],
  ['a[b', 'a[b', true],
  ['a*b*c', 'aXbYbZc', true],
  ['a*b*c', 'aXbYbZ', false],
  ['***', 'abc', true],
  ['', '', true],
  ['*', '', true],
  ['date=2024-0[1-3]-*', 'date=2024-02-17', true],
  ['date=2024-0[1-3]-*', 'date=2024-04-01', false],
];

describe('segmentMatcher', () => {
  test.each(examples)('%j against %j is %s (and so says the reference)', (pattern, name, matches) => {
    expect(segmentMatcher(pattern)(name)).toBe(matches);
    expect(referenceRegExp(pattern).test(name)).toBe(matches);
  });

  const alphabet = fc.constantFrom('a', 'b', 'c', '.', '_', '-', 'é', '😀');
  const patternChar = fc.oneof(alphabet, fc.constantFrom('*', '?', '[', ']', '!', '^'));
  const text = (char: fc.Arbitrary<string>) => fc.array(char, { maxLength: 8 }).map((cs) => cs.join(''));

  test('property: agrees with the reference on random patterns and names', () => {
    fc.assert(
      fc.property(text(patternChar), text(alphabet), (pattern, name) => {
        expect(segmentMatcher(pattern)(name)).toBe(referenceRegExp(pattern).test(name));
      }),
      { numRuns: 5000 },
    );
  });

  test('property: a name matches a pattern made from it by turning characters into ? and runs into *', () => {
    const made = text(alphabet).chain((name) =>
      fc.array(fc.constantFrom('keep', 'any', 'star', 'set'), { minLength: Array.from(name).length, maxLength: Array.from(name).length }).map((how) => {
        const chars = Array.from(name);
        const pattern = chars.map((c, i) => (i === 0 && (c === '.' || c === '_') ? c : { keep: c, any: '?', star: `*${c}`, set: `[x${c}]` }[how[i]!]!)).join('');
        return { name, pattern };
      }),
    );
    fc.assert(
      fc.property(made, ({ name, pattern }) => {
        expect(segmentMatcher(pattern)(name)).toBe(true);
        expect(referenceRegExp(pattern).test(name)).toBe(true);
      }),
    );
  });
});

describe('expandBraces', () => {
  test.each([
    ['{a,b}.parquet', ['a.parquet', 'b.parquet']],
    ['data/{2023,2024}/*.{parquet,arrow}', ['data/2023/*.parquet', 'data/2023/*.arrow', 'data/2024/*.parquet', 'data/2024/*.arrow']],
    ['{a,{b,c}}x', ['ax', 'bx', 'cx']],
    ['{x/a,y}/f', ['x/a/f', 'y/f']],
    ['{a}', ['{a}']],
    ['{a,b', ['{a,b']],
    ['{}{a,b}', ['{}a', '{}b']],
    ['{,a}b', ['b', 'ab']],
    ['plain', ['plain']],
  ])('%j', (pattern, alternatives) => {
    expect(expandBraces(pattern)).toEqual(alternatives);
  });
});

describe('isGlob and planGlob', () => {
  test.each([
    ['data.parquet', false],
    ['data/*.parquet', true],
    ['part-?.arrow', true],
    ['[ab].parquet', true],
    ['a[b.parquet', false],
    ['{a,b}.parquet', true],
    ['{a}.parquet', false],
    ['https://example.com/x.parquet?v=1', true],
  ])('isGlob(%j) is %s', (text, glob) => {
    expect(isGlob(text)).toBe(glob);
  });

  test.each([
    ['data/*.parquet', { base: 'data', segments: ['*.parquet'] }],
    ['./data/x/**/*.arrow', { base: './data/x', segments: ['**', '*.arrow'] }],
    ['/abs/da?a/f', { base: '/abs', segments: ['da?a', 'f'] }],
    ['/*.parquet', { base: '/', segments: ['*.parquet'] }],
    ['*.parquet', { base: '', segments: ['*.parquet'] }],
    ['data//*//x/', { base: 'data/', segments: ['*', 'x'] }],
  ])('planGlob(%j)', (pattern, plan) => {
    expect(planGlob(pattern)).toEqual(plan);
  });
});
