/**
 * Request headers given for http(s) inputs (an Authorization header, an API
 * key...), checked before any request: a name must be an HTTP token, a value
 * must hold no line break, and the headers the reader sets itself (Range,
 * the conditional ones, Host...) cannot be given. Problems are described by
 * the header's name and never its value, which is often a secret.
 */

/** Header names and values, in order. */
export type HeaderList = readonly (readonly [name: string, value: string])[];

/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers the reader sets (ranges, the checks that the file has not changed) or the HTTP client owns. */
const RESERVED = new Set([
  'range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'if-range', 'accept-encoding',
  'host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect',
]);

/** What is wrong with a header, or undefined when it can be sent. */
export function headerProblem(name: string, value: string): string | undefined {
  if (!TOKEN.test(name)) return `${JSON.stringify(name)} is not a valid header name`;
  if (RESERVED.has(name.toLowerCase())) return `the ${name} header is set by the reader itself and cannot be given`;
  if (/[\r\n\0]/.test(value)) return `the value of the ${name} header holds a line break or a NUL character`;
  return undefined;
}

/** A `Name: value` line as a header; undefined when it has no colon after a name. */
export function parseHeaderLine(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
}

/**
 * Newline-separated `Name: value` lines (the format of BN1D_HTTP_HEADERS):
 * blank lines are skipped, and a line that is no header is reported by its
 * number (1-based) only.
 */
export function parseHeaderLines(text: string): { headers: [string, string][]; badLine?: number } {
  const headers: [string, string][] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const header = parseHeaderLine(lines[i]!);
    if (!header) return { headers, badLine: i + 1 };
    headers.push(header);
  }
  return { headers };
}

/** The lists joined: a header of a later list replaces those of the same name (in any case) before it. */
export function mergeHeaders(...lists: HeaderList[]): [string, string][] {
  const byName = new Map<string, [string, string]>();
  for (const list of lists) {
    for (const [name, value] of list) {
      byName.delete(name.toLowerCase());
      byName.set(name.toLowerCase(), [name, value]);
    }
  }
  return [...byName.values()];
}
