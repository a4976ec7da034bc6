/** Request headers for http(s) inputs (http-headers.ts) and how URLs are named (http-url.ts). */
import { describe, expect, test } from 'vitest';
import { headerProblem, mergeHeaders, parseHeaderLine, parseHeaderLines } from '../../../src/io/files/http-headers.js';
import { checkUrl, isHttpUrl, urlName } from '../../../src/io/files/http-url.js';

describe('a header', () => {
  test.each([
    ['Authorization: Bearer abc:def', ['Authorization', 'Bearer abc:def']],
    ['  x-api-key :  k  ', ['x-api-key', 'k']],
    ['X-Empty:', ['X-Empty', '']],
    ['no colon', undefined],
    [': value', undefined],
  ])('%j reads as %j', (line, header) => {
    expect(parseHeaderLine(line)).toEqual(header);
  });

  test('names a problem by the name, never by the value', () => {
    expect(headerProblem('Authorization', 'Bearer x')).toBeUndefined();
    expect(headerProblem('Bad Name', 'secret-1')).toBe('"Bad Name" is not a valid header name');
    expect(headerProblem('X-Token', 'secret-2\r\nHost: evil')).toBe('the value of the X-Token header holds a line break or a NUL character');
    for (const name of ['Range', 'if-match', 'Host', 'Accept-Encoding']) expect(headerProblem(name, 'secret-3')).toMatch(/is set by the reader itself/);
    for (const problem of [headerProblem('Bad Name', 'secret-1'), headerProblem('X-Token', 'secret-2\n'), headerProblem('Range', 'secret-3')]) {
      expect(problem).not.toMatch(/secret/);
    }
  });
});

describe('BN1D_HTTP_HEADERS', () => {
  test('is one header a line; blank lines are skipped, CRLF is a line break', () => {
    expect(parseHeaderLines('Authorization: Bearer a\r\n\n  \nX-Key: b: c\n')).toEqual({ headers: [['Authorization', 'Bearer a'], ['X-Key', 'b: c']] });
  });

  test('reports a line that is no header by its number', () => {
    expect(parseHeaderLines('A: 1\nsecret token\n').badLine).toBe(2);
  });

  test('gives way to later headers of the same name, in any case', () => {
    expect(mergeHeaders([['Authorization', 'env'], ['X-A', '1']], [['authorization', 'flag']])).toEqual([['X-A', '1'], ['authorization', 'flag']]);
  });
});

describe('a URL', () => {
  test.each([
    ['https://h.example/d/x.parquet', true],
    ['HTTP://h/x', true],
    ['s3://b/k', false],
    ['data/https:/x', false],
  ])('%s is an http(s) URL: %s', (text, url) => {
    expect(isHttpUrl(text)).toBe(url);
  });

  test.each([
    ['https://b.s3.amazonaws.com/k/x.parquet?X-Amz-Signature=abc&X-Amz-Credential=AKIA%2F1', 'https://b.s3.amazonaws.com/k/x.parquet'],
    ['https://user:pa55@h.example:8443/x.arrow#part', 'https://h.example:8443/x.arrow'],
    ['http://h/a%20b/x.parquet', 'http://h/a%20b/x.parquet'],
  ])('%s is named %s', (url, name) => {
    expect(urlName(url)).toBe(name);
  });

  test('without a host is bad usage, named without its query', () => {
    expect(() => checkUrl('https://exa mple.com/x.parquet?sig=s3cret')).toThrow(/^https:\/\/exa mple\.com\/x\.parquet: not a valid URL$/);
    expect(() => checkUrl('http://?sig=s3cret')).toThrow(/^http:\/\/: not a valid URL$/);
    expect(() => checkUrl('http://h.example/x')).not.toThrow();
  });
});
