/** Counts as people read them: thousands grouped with commas (19532 -> "19,532"); never in machine output. */

/** Groups the integer part of a plain decimal string in thousands: "12345.5" -> "12,345.5". */
export function groupThousands(text: string): string {
  const match = /^(-?)(\d+)(.*)$/.exec(text);
  if (!match) return text;
  const [, sign, whole, rest] = match as unknown as [string, string, string, string];
  return sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + rest;
}

/** A whole number with thousands grouped: 12345 -> "12,345" (anything else as String writes it). */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? groupThousands(Math.round(value).toFixed(0)) : String(value);
}

/** "1 batch", "19,532 batches": a count and its noun, plural unless the count is 1. */
export function countOf(value: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(value)} ${value === 1 ? noun : plural}`;
}
