/**
 * V8 flags for a streaming run, set by the CLI before it compiles the bundle
 * (bin/bn1d.js, by this text, which V8's code cache is made under) and again
 * by the bundle (bin.ts). bn1d streams: most of what it allocates lives for
 * one batch or one page, and a few megabytes live for the whole run.
 *
 * - Allocation-site pretenuring off: V8 takes some of those sites for
 *   long-lived ones and allocates them straight into the old generation,
 *   which then fills with garbage that only a full collection frees. On 100M
 *   rows of 8 float32, fit at --jobs 2 peaked at 245-292 MB with it and
 *   209-215 MB without, and was no slower.
 * - The old generation grown by at most 2x its live bytes after a full
 *   collection (V8 chooses up to 4x): what is promoted and dies later (a row
 *   group's parsed metadata, a piece's batches) piles up until the next one.
 *   An apply of 100M rows at one thread ran one full collection, at 0.36 s,
 *   and its old space grew from 10 to 27 MB of which 8 were live; with this,
 *   apply peaked at 98 MB against 109 at one thread and 152 against 166 at
 *   two, fit as before (2026-12-04).
 */
export const V8_FLAGS = '--no-allocation-site-pretenuring --heap-growing-percent=100';
