/**
 * A glob pattern (glob.ts) matched against the file system: the files and
 * folders it matches, each path written as the pattern writes its folders
 * (`./data/*.parquet` gives `./data/a.parquet`). Folder symlinks are
 * followed as the dataset walk follows them, skipping loops.
 */
import { below, enclosingFolders, entryKind, type EntryKind, listFolder, statKind } from './dataset-files.js';
import { expandBraces, hasWildcard, planGlob, segmentMatcher } from './glob.js';

/** The kind of a path named by the pattern's literal parts, or undefined when there is none. */
async function kindIfExists(path: string): Promise<EntryKind | undefined> {
  try {
    return await statKind(path === '' ? '.' : path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return entryKind(path || '.'); // says why it cannot be read
  }
}

/** The paths matching `pattern`, each once, with their kinds, in no particular order. */
export async function globMatches(pattern: string): Promise<Map<string, EntryKind['kind']>> {
  const found = new Map<string, EntryKind['kind']>();

  /** Matches `segments` below the folder `path`; `ancestors` are the ids of it and the folders above it. */
  async function match(path: string, segments: readonly string[], ancestors: ReadonlySet<string>): Promise<void> {
    const [segment, ...rest] = segments as [string, ...string[]];
    const into = async (child: string, kind: EntryKind | undefined, next: readonly string[]) => {
      if (next.length === 0 && kind) found.set(child, kind.kind);
      else if (kind?.kind === 'folder' && !ancestors.has(kind.id)) await match(child, next, new Set(ancestors).add(kind.id));
    };
    if (!hasWildcard(segment)) return into(below(path, segment), await kindIfExists(below(path, segment)), rest);
    if (segment === '**') {
      // A final '**' is the folder with everything below it, which the dataset walk reads.
      if (rest.length === 0) return void found.set(path, 'folder');
      // No folder, or one more folder and '**' again.
      await match(path, rest, ancestors);
    }
    const matches = segmentMatcher(segment === '**' ? '*' : segment);
    for (const entry of await listFolder(path)) {
      if (!matches(entry.name)) continue;
      const child = below(path, entry.name);
      const kind = await entryKind(child, entry);
      if (segment !== '**') await into(child, kind, rest);
      else if (kind.kind === 'folder') await into(child, kind, segments);
    }
  }

  for (const alternative of expandBraces(pattern)) {
    const { base, segments } = planGlob(alternative);
    const root = await kindIfExists(base);
    if (root && segments.length === 0) found.set(base, root.kind);
    else if (root?.kind === 'folder') await match(base, segments, await enclosingFolders(base));
  }
  return found;
}
