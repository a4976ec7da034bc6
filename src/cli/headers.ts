/**
 * Request headers for http(s) inputs from the command line: BN1D_HTTP_HEADERS
 * (newline-separated `Name: value` lines), then every --header in order; a
 * header replaces one of the same name (in any case) given before it, so a
 * flag overrides the environment. Messages name a header or a line, never a
 * value: values are often secrets.
 */
import { Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { headerProblem, mergeHeaders, parseHeaderLine, parseHeaderLines } from '../io/files/http-headers.js';
import type { HttpHeaders } from '../pipeline/options.js';

/** `-H, --header`, repeatable; checked by requestHeaders(), not by commander, whose messages would print the value. */
export const headerOption = () =>
  new Option('-H, --header <header>', 'request header for http(s) inputs, as \'Name: value\' (e.g. \'Authorization: Bearer ...\'); repeatable; BN1D_HTTP_HEADERS holds more, one per line')
    .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);

function checked(list: [string, string][], source: string): [string, string][] {
  for (const [name, value] of list) {
    const problem = headerProblem(name, value);
    if (problem) throw new UsageError(`${source}: ${problem}`);
  }
  return list;
}

/** The headers of BN1D_HTTP_HEADERS and of the flags, joined. */
export function requestHeaders(flags: readonly string[] | undefined, env: NodeJS.ProcessEnv = process.env): HttpHeaders | undefined {
  const text = env.BN1D_HTTP_HEADERS ?? '';
  if (text.trim() === '' && !flags?.length) return undefined;
  const fromEnv = parseHeaderLines(text);
  if (fromEnv.badLine !== undefined) throw new UsageError(`BN1D_HTTP_HEADERS: line ${fromEnv.badLine} is not a 'Name: value' header (one header per line)`);
  const fromFlags = (flags ?? []).map((flag) => {
    const header = parseHeaderLine(flag);
    if (!header) throw new UsageError("--header: expected 'Name: value' (a header name, a colon, then the value)");
    return header;
  });
  const merged = mergeHeaders(checked(fromEnv.headers, 'BN1D_HTTP_HEADERS'), checked(fromFlags, '--header'));
  return Object.fromEntries(merged);
}
