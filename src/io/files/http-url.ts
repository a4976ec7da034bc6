/**
 * http:// and https:// inputs: how they are told from paths, and how
 * messages and state files name them. A URL is sent as it was given (the
 * URL parser only percent-encodes characters a URL cannot hold; escapes
 * already there, as in the signature of a presigned S3 or GCS URL, stay as
 * they are). Its name drops the query, the fragment and any user:password@,
 * which is where presigned URLs and some servers carry secrets.
 */
import { UsageError } from '../../core/errors.js';

const HTTP_URL = /^https?:\/\//i;

/** Whether an input is an http:// or https:// URL. */
export function isHttpUrl(input: string): boolean {
  return HTTP_URL.test(input);
}

/** The URL without its credentials, query and fragment: how messages and states name it. */
export function urlName(url: string): string {
  const bare = url.replace(/[?#][^]*$/, '');
  return bare.replace(/^(https?:\/\/)[^/]*@/i, '$1');
}

/** Throws a UsageError naming the URL (without its query) unless it parses with a host. */
export function checkUrl(url: string): void {
  let host = '';
  try {
    host = new URL(url).host;
  } catch {
    // reported below
  }
  if (host === '') throw new UsageError(`${urlName(url)}: not a valid URL`);
}
