/**
 * Glob patterns, as bn1d reads them (no file system here): `{a,b}`
 * alternatives are expanded first, then each alternative is split into
 * `/`-separated segments. In a segment, `*` matches any run of characters,
 * `?` one character, `[abc]`, `[a-z]` and `[!abc]` (or `[^abc]`) one
 * character of a set; a segment that is exactly `**` matches any number of
 * folders. As in shells, a wildcard never matches a name's leading `.`, and
 * bn1d extends that to a leading `_` (Spark's `_SUCCESS`, `_metadata`):
 * those names match only a segment that starts with the same character.
 * Characters are code points; to match a glob character itself, put it in
 * brackets (`[*]`).
 */

/** One element of a segment. */
type Token = { kind: 'char'; char: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'set'; negated: boolean; ranges: [number, number][] };

/** Whether `name` matches one segment of a pattern. */
export type SegmentMatcher = (name: string) => boolean;

/** A bracket expression starting at chars[at] ('['), or undefined when it is not closed (then '[' is itself). */
function parseSet(chars: readonly string[], at: number): { token: Token; end: number } | undefined {
  let i = at + 1;
  const negated = chars[i] === '!' || chars[i] === '^';
  if (negated) i++;
  const ranges: [number, number][] = [];
  // A ']' right after '[' or '[!' is a member, not the end.
  for (let first = true; i < chars.length; first = false) {
    const c = chars[i]!;
    if (c === ']' && !first) return { token: { kind: 'set', negated, ranges }, end: i + 1 };
    const low = c.codePointAt(0)!;
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      ranges.push([low, chars[i + 2]!.codePointAt(0)!]);
      i += 3;
    } else {
      ranges.push([low, low]);
      i++;
    }
  }
  return undefined;
}

function tokenize(segment: string): Token[] {
  const chars = Array.from(segment);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; ) {
    const c = chars[i]!;
    const set = c === '[' ? parseSet(chars, i) : undefined;
    if (set) {
      tokens.push(set.token);
      i = set.end;
      continue;
    }
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else tokens.push(c === '?' ? { kind: 'any' } : { kind: 'char', char: c });
    i++;
  }
  return tokens;
}

function matchesOne(token: Token, char: string): boolean {
  if (token.kind === 'any') return true;
  if (token.kind === 'char') return token.char === char;
  if (token.kind !== 'set') return false;
  const code = char.codePointAt(0)!;
  return token.ranges.some(([low, high]) => code >= low && code <= high) !== token.negated;
}

/** Wildcard matching with backtracking to the last `*`: O(pattern × name) at worst. */
function matchTokens(tokens: readonly Token[], chars: readonly string[]): boolean {
  let t = 0;
  let c = 0;
  let star = -1;
  let resume = 0;
  while (c < chars.length) {
    const token = tokens[t];
    if (token?.kind === 'star') {
      star = t++;
      resume = c;
    } else if (token && matchesOne(token, chars[c]!)) {
      t++;
      c++;
    } else if (star >= 0) {
      t = star + 1;
      c = ++resume;
    } else return false;
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

/** Whether a segment has a wildcard (otherwise it names one entry literally). */
export function hasWildcard(segment: string): boolean {
  return tokenize(segment).some((token) => token.kind !== 'char');
}

/** The matcher of one segment (not `**`). */
export function segmentMatcher(segment: string): SegmentMatcher {
  const tokens = tokenize(segment);
  return (name) => {
    const chars = Array.from(name);
    const lead = chars[0];
    if ((lead === '.' || lead === '_') && !(tokens[0]?.kind === 'char' && tokens[0].char === lead)) return false;
    return matchTokens(tokens, chars);
  };
}

/** The closing '}' and top-level commas of the brace group opening at `open`, if it is one. */
function braceGroup(text: string, open: number): { close: number; commas: number[] } | undefined {
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return commas.length ? { close: i, commas } : undefined;
    else if (text[i] === ',' && depth === 1) commas.push(i);
  }
  return undefined;
}

/** The alternatives of `{a,b}` groups (nested ones too), in order; a pattern without one is itself. */
export function expandBraces(pattern: string): string[] {
  for (let open = pattern.indexOf('{'); open >= 0; open = pattern.indexOf('{', open + 1)) {
    const group = braceGroup(pattern, open);
    if (!group) continue;
    const bounds = [open, ...group.commas, group.close];
    const head = pattern.slice(0, open);
    const tail = pattern.slice(group.close + 1);
    return bounds.slice(1).flatMap((end, k) => expandBraces(head + pattern.slice(bounds[k]! + 1, end) + tail));
  }
  return [pattern];
}

/** Whether bn1d expands `text` as a pattern: it has a wildcard or a `{a,b}` group. */
export function isGlob(text: string): boolean {
  return expandBraces(text).length > 1 || text.split('/').some(hasWildcard);
}

/** A brace-free pattern as the folder its literal leading segments name, and the segments left to match. */
export interface GlobPlan {
  /** The literal leading part as written ('' for the current folder, '/' for the root). */
  base: string;
  /** The segments to match below `base`: matchers, or '**' for any number of folders, or a literal name. */
  segments: string[];
}

/** Splits a brace-free pattern at its first segment with a wildcard (empty segments, from '//', are dropped). */
export function planGlob(pattern: string): GlobPlan {
  const parts = pattern.split('/');
  const first = parts.findIndex(hasWildcard);
  const literal = first < 0 ? parts.length : first;
  const base = literal === 1 && parts[0] === '' ? '/' : parts.slice(0, literal).join('/');
  return { base, segments: parts.slice(literal).filter((s) => s !== '') };
}
