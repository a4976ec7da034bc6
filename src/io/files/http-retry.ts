/**
 * Retries of http(s) requests: a request that fails in a way that may pass
 * (HTTP 5xx except 501 and 505, 429 and 408, a connection refused, reset or
 * closed early, a server that sends nothing for `stallMs`) is sent again
 * after an exponential backoff with a little jitter, a few times, within a
 * bounded total time; any other failure ends the run at once.
 */
import { DataError } from '../../core/errors.js';

/** How often and how long to retry. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Delay before the first retry, doubling for each one after it, in milliseconds. */
  readonly firstDelayMs: number;
  /** Longest delay (also the most a Retry-After header is waited for). */
  readonly maxDelayMs: number;
  /** No retry starts later than this after the first attempt. */
  readonly totalMs: number;
  /** A response that brings no byte for this long is given up and retried. */
  readonly stallMs: number;
}

/** The default: 5 attempts, 0.5 s, 1 s, 2 s and 4 s apart; BN1D_HTTP_RETRY_MS sets the first delay (the tests make it 1). */
export function retryPolicy(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const set = env.BN1D_HTTP_RETRY_MS?.trim();
  const first = set && /^\d+$/.test(set) ? Number(set) : 500;
  return { attempts: 5, firstDelayMs: first, maxDelayMs: first * 16, totalMs: Math.max(first * 120, 1000), stallMs: 30_000 };
}

/** A failure worth another attempt; `retryAfterMs` is what the server asked for. */
export class TransientError extends Error {
  constructor(message: string, readonly retryAfterMs?: number) {
    super(message);
  }
}

/** Connection errors that may pass. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What went wrong with a connection, in a few words ("connect ECONNREFUSED 127.0.0.1:8080"). */
export function connectionReason(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : error instanceof Error ? error : undefined;
  return inner?.message || codeOf(inner) || String(error);
}

/** The failure as a TransientError when another attempt may succeed; else undefined. */
function transient(error: unknown): TransientError | undefined {
  if (error instanceof TransientError) return error;
  if (error instanceof DataError || !(error instanceof Error)) return undefined;
  const code = codeOf((error as { cause?: unknown }).cause) ?? codeOf(error);
  if (code !== undefined) return TRANSIENT_CODES.has(code) ? new TransientError(connectionReason(error)) : undefined;
  // undici's "terminated": a body that stopped short. A "fetch failed" without a code is not the network's (a bad port...).
  return error.name === 'TypeError' && error.message === 'terminated' ? new TransientError('the connection closed early') : undefined;
}

/** Aborts an attempt when no byte arrives for `ms`; tick() on every sign of life. */
class Stall {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(private readonly ms: number) {
    this.tick();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  tick = (): void => {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new TransientError(`no data for ${this.ms / 1000} s`));
    }, this.ms);
    this.timer.unref?.();
  };

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** How long to wait before retry `n` (1 for the first). */
function delayOf(n: number, policy: RetryPolicy, asked: number | undefined): number {
  const backoff = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (n - 1));
  const jittered = backoff * (1 + Math.random() * 0.25);
  return asked === undefined ? jittered : Math.min(policy.maxDelayMs, Math.max(asked, jittered));
}

/** One try: `signal` aborts it when it stalls, `tick()` says that bytes arrived. */
export type Attempt<T> = (signal: AbortSignal, tick: () => void) => Promise<T>;

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries run out;
 * a failure that may pass, after the last attempt, is a DataError naming
 * `name` with the last reason.
 */
export async function withRetries<T>(name: string, policy: RetryPolicy, attempt: Attempt<T>): Promise<T> {
  const started = Date.now();
  for (let n = 1; ; n++) {
    const stall = new Stall(policy.stallMs);
    let retry: TransientError | undefined;
    try {
      return await attempt(stall.signal, stall.tick);
    } catch (error) {
      retry = stall.fired ? (stall.signal.reason as TransientError) : transient(error);
      if (!retry) throw error;
    } finally {
      stall.stop();
    }
    const delay = delayOf(n, policy, retry.retryAfterMs);
    if (n >= policy.attempts || Date.now() - started + delay > policy.totalMs) {
      throw new DataError(`${name}: ${retry.message} (gave up after ${n} attempt${n === 1 ? '' : 's'})`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
