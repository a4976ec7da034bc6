/** Whether two paths name the same file, through symlinks, "./" or hard links. */
import { statSync } from 'node:fs';

/** True when both paths exist and are the same file. */
export function sameFile(a: string, b: string): boolean {
  if (a === '-' || b === '-') return false;
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}
