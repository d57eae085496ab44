import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The result of merging one file three ways. */
export interface MergeResult {
  /** The merged text, with standard conflict markers where both sides changed the same lines. */
  readonly text: string;
  /** How many conflicting hunks the text holds. */
  readonly conflicts: number;
}

/** Names shown on the conflict markers: `<<<<<<< ours`, `>>>>>>> theirs`. */
export interface MergeLabels {
  readonly ours: string;
  readonly base: string;
  readonly theirs: string;
}

export type MergeFunction = (ours: string, base: string, theirs: string, labels: MergeLabels) => Promise<MergeResult>;

/**
 * `git merge-file`: the merge git itself does, markers and all; its exit code is the number of
 * conflicts (a negative one, above 127 as a process status, is an error).
 */
export const gitMergeFile: MergeFunction = async (ours, base, theirs, labels) => {
  const dir = await mkdtemp(join(tmpdir(), 'create-rds-iam-stack-merge-'));
  try {
    const paths = { ours: join(dir, 'ours'), base: join(dir, 'base'), theirs: join(dir, 'theirs') };
    await Promise.all([writeFile(paths.ours, ours), writeFile(paths.base, base), writeFile(paths.theirs, theirs)]);
    const args = ['merge-file', '-p', '-L', labels.ours, '-L', labels.base, '-L', labels.theirs, paths.ours, paths.base, paths.theirs];
    return await new Promise<MergeResult>((resolve, reject) => {
      execFile('git', args, { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : undefined) : 0;
        if (code === undefined || code > 127) {
          reject(new Error(`git merge-file failed: ${stderr.trim() || error?.message} (is git installed and on PATH?)`));
        } else {
          resolve({ text: stdout, conflicts: code });
        }
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
