import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The workflow files of a repository. */
export function workflowFiles(repositoryDir: string): string[] {
  const dir = join(repositoryDir, '.github', 'workflows');
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => join(dir, file));
}

/**
 * Runs actionlint (with shellcheck on the `run:` scripts, when on PATH) and zizmor (offline, default
 * persona) on a repository's workflows. Returns their combined output when either reports something,
 * `undefined` when both are silent: `expect(lintWorkflows(dir)).toBeUndefined()` shows the findings.
 */
export function lintWorkflows(repositoryDir: string): string | undefined {
  const files = workflowFiles(repositoryDir);
  const problems: string[] = [];
  for (const [tool, args] of [
    ['actionlint', ['-no-color', ...files]],
    ['zizmor', ['--offline', '--no-progress', '--format', 'plain', ...files]],
  ] as const) {
    const result = spawnSync(tool, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (result.error) throw new Error(`${tool} could not run (${result.error.message}); tools/dev test installs it`);
    if (result.status !== 0) problems.push(`${tool} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  }
  return problems.length > 0 ? problems.join('\n') : undefined;
}

/** `uses:` references that are not `owner/repo[/path]@<40-hex SHA>` (a tag or branch can be moved). */
export function unpinnedActions(repositoryDir: string): string[] {
  return workflowFiles(repositoryDir).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^\s*(- )?uses:/.test(line))
      .filter((line) => !/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40}(\s+#.*)?$/.test(line))
      .map((line) => `${file}: ${line.trim()}`),
  );
}
