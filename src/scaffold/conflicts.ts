import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Files that exist in the target with other content than the generator would write. */
export class ConflictsError extends Error {
  constructor(
    readonly directory: string,
    readonly files: readonly string[],
  ) {
    super(
      [
        `Target directory "${directory}": ${files.length} existing file${files.length === 1 ? '' : 's'} would be replaced with other content:`,
        ...files.map((file) => `  ${file}`),
        'Run interactively to choose per file, pass --overwrite to replace them, ' +
          'or --dry-run --force to list what would change.',
      ].join('\n'),
    );
    this.name = 'ConflictsError';
  }
}

/** A unified diff from the target's file to the rendered one. */
export async function diffOf(file: string, target: string, rendered: string): Promise<string> {
  // Loaded when a difference is asked for: a scaffold without conflicts never needs it.
  const { createTwoFilesPatch } = await import('diff');
  const [existing, replacement] = await Promise.all([
    readFile(join(target, file), 'utf8').catch(() => ''),
    readFile(join(rendered, file), 'utf8'),
  ]);
  return createTwoFilesPatch(`${file} (yours)`, `${file} (new)`, existing, replacement, undefined, undefined, { context: 3 });
}
