import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Every file under a directory, relative and sorted. */
export async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** How the rendered files relate to what the target already holds. */
export interface TreeComparison {
  /** Not in the target yet. */
  readonly created: readonly string[];
  /** In the target with the same content. */
  readonly identical: readonly string[];
  /** In the target with other content: replacing them would lose someone's work. */
  readonly differing: readonly string[];
}

export async function compareTrees(rendered: string, target: string): Promise<TreeComparison> {
  const created: string[] = [];
  const identical: string[] = [];
  const differing: string[] = [];
  for (const file of await listTree(rendered)) {
    const existing = await readFile(join(target, file)).catch((error: NodeJS.ErrnoException) => error.code ?? 'EIO');
    if (existing === 'ENOENT') created.push(file);
    // Something else at that path (a directory, an unreadable file) is a conflict too.
    else if (typeof existing === 'string') differing.push(file);
    else if (existing.equals(await readFile(join(rendered, file)))) identical.push(file);
    else differing.push(file);
  }
  return { created, identical, differing };
}
