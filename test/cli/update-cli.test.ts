import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAnswers, withDefaults } from '../../src/answers/index.js';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../src/package-info.js';
import { EARLIER_VERSION } from '../support/versions.js';

const CLI = join(PACKAGE_ROOT, 'src/cli/bin.ts');
const TSX = join(PACKAGE_ROOT, 'node_modules/.bin/tsx');
const gitEnv = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

/** `create-rds-iam-stack update ARGS` in `cwd`, without a TTY, as CI would run it. */
function update(args: string[], cwd: string) {
  const result = spawnSync(TSX, [CLI, 'update', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A committed project holding only a record of `version` with `answers`. */
function recordedProject(version: string, answers: Record<string, unknown> = parseAnswers(withDefaults({ name: 'orders-db' })) as never): string {
  const dir = mkdtempSync(join(tmpdir(), 'update-cli-'));
  writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'create-rds-iam-stack': { generatorVersion: version, answers } }));
  const git = (...args: string[]) => spawnSync('git', args, { cwd: dir, env: { ...process.env, ...gitEnv } });
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'record');
  return dir;
}

describe('create-rds-iam-stack update', () => {
  test('--help lists its flags and exit codes', () => {
    const { status, stdout } = update(['--help'], tmpdir());
    expect(status).toBe(0);
    for (const flag of ['--dry-run', '--yes', '--force', '--base-package SPEC', '--package-source SPEC', '--answers FILE']) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('3 updated with conflicts');
  });

  test('without a terminal it needs --yes or --dry-run (exit 2)', () => {
    const { status, stderr } = update([], recordedProject(EARLIER_VERSION));
    expect(status).toBe(2);
    expect(stderr).toMatch(/pass --yes/);
  });

  test('an unknown flag is a usage error (exit 2)', () => {
    expect(update(['--yse'], tmpdir()).status).toBe(2);
  });

  test('outside a git work tree it refuses unless --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'update-cli-'));
    const refused = update(['--yes'], dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/not in a git work tree/);
    expect(refused.stderr).toContain('Nothing was written.');
    const forced = update(['--yes', '--force'], dir);
    expect(forced.status).toBe(1);
    expect(forced.stderr).toMatch(/\.yo-rc\.json is missing/);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a project already on this version has nothing to update (exit 0)', () => {
    const { status, stdout } = update(['--yes'], recordedProject(PACKAGE_VERSION));
    expect(status).toBe(0);
    expect(stdout).toContain(`already come from create-rds-iam-stack ${PACKAGE_VERSION}`);
  });

  test('a project from a newer version is refused', () => {
    const { status, stderr } = update(['--yes'], recordedProject('99.0.0'));
    expect(status).toBe(1);
    expect(stderr).toMatch(/comes from create-rds-iam-stack 99\.0\.0, newer than this/);
  });

  test('a recorded or given answer that breaks a rule is named before anything is installed or written', () => {
    const dir = recordedProject(EARLIER_VERSION, { name: 'orders-db', databaseName: 'select' });
    const recorded = update(['--yes'], dir);
    expect(recorded.status).toBe(1);
    expect(recorded.stderr).toMatch(/"select"/);
    const answersFile = join(mkdtempSync(join(tmpdir(), 'update-cli-')), 'answers.json');
    writeFileSync(answersFile, JSON.stringify({ azCount: 'many' }));
    const given = update(['--yes', '--force', '--answers', answersFile], recordedProject(EARLIER_VERSION));
    expect(given.status).toBe(1);
    expect(given.stderr).toMatch(/Availability Zone count .*"many"/);
    expect(given.stderr).toContain('Nothing was written.');
  });
});
