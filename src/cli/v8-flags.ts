/**
 * bn1d streams: most of what it allocates lives for one batch or one page.
 * V8's allocation-site pretenuring takes some of those sites for long-lived
 * ones and allocates them straight into the old generation, which then fills
 * with garbage that only a full collection frees: on 100M rows of 8 float32,
 * fit at --jobs 2 peaked at 245-292 MB with it and 209-215 MB without, and
 * was no slower. bin/bn1d.js sets the same flag, by this text.
 */
export const PRETENURING_OFF = '--no-allocation-site-pretenuring';
