import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_VERSION } from '../../src/package-info.js';
import { cli, entries, scratchDir } from '../support/cli.js';

describe('create-rds-iam-stack', () => {
  test('--help lists every question flag and exits 0', () => {
    const { status, stdout } = cli(['--help']);
    expect(status).toBe(0);
    for (const flag of ['--name', '--region', '--az-count', '--db-name', '--user NAME:ACCESS', '--github-repo', '--domain', '--alarm-email', '--operator ARN']) {
      expect(stdout).toContain(flag);
    }
    for (const flag of ['--yes', '--answers FILE', '--skip-install', '--[no-]git', '--force', '--dry-run', '--version']) {
      expect(stdout).toContain(flag);
    }
  });

  test('--version prints the package version', () => {
    const { status, stdout } = cli(['--version']);
    expect(status).toBe(0);
    expect(stdout.trim()).toBe(PACKAGE_VERSION);
  });

  test('scaffolds with defaults and exits 0', () => {
    const { cwd, status, stdout, stderr } = cli(['my-stack', '--yes', '--skip-install', '--no-git']);
    expect(status).toBe(0);
    expect(entries(join(cwd, 'my-stack'))).toEqual(expect.arrayContaining(['.projenrc.ts', 'package.json', 'src']));
    expect(stdout + stderr).toContain('cd my-stack');
    // Nothing but the target: the staging directory is gone.
    expect(entries(cwd)).toEqual(['my-stack']);
    expect(JSON.parse(readFileSync(join(cwd, 'my-stack/package.json'), 'utf8')).name).toBe('my-stack');
  });

  test('an unknown flag is a usage error (exit 2)', () => {
    const { status, stderr, cwd } = cli(['x', '--regoin', 'eu-west-1']);
    expect(status).toBe(2);
    expect(stderr).toMatch(/Unknown option '--regoin'/);
    expect(entries(cwd)).toEqual([]);
  });

  test('two directories are a usage error (exit 2)', () => {
    const { status, stderr } = cli(['a', 'b', '--yes']);
    expect(status).toBe(2);
    expect(stderr).toContain('Expected at most one directory');
  });

  test('missing answers without a TTY are listed (exit 2)', () => {
    const { status, stderr, cwd } = cli(['x', '--region', 'eu-west-1']);
    expect(status).toBe(2);
    expect(stderr).toContain('Missing answers');
    expect(stderr).toContain('--db-name NAME');
    expect(entries(cwd)).toEqual([]);
  });

  test('invalid answers name field, value and rule (exit 1) and write nothing', () => {
    const { status, stderr, cwd } = cli([
      'x',
      '--yes',
      '--db-name',
      'select',
      '--user',
      "bob'; DROP TABLE users; --:read-write",
      '--az-count',
      '9',
      '--operator',
      'arn:aws:iam::123456789012:root',
    ]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/operator #1 \(--operator\) "arn:aws:iam::123456789012:root" must be an IAM role or user ARN/);
    expect(stderr).toContain('database name (--db-name) "select" must not be a MySQL reserved word');
    expect(stderr).toContain('database user #1 name (--user) "bob\'; DROP TABLE users; --"');
    expect(stderr).toContain('Nothing was written.');
    expect(entries(cwd)).toEqual([]);
  });

  test('a non-empty directory is refused (exit 1); --force merges into it', () => {
    const cwd = scratchDir();
    mkdirSync(join(cwd, 'app'));
    writeFileSync(join(cwd, 'app/notes.txt'), 'keep me');
    const refused = cli(['app', '--yes', '--skip-install', '--no-git'], { cwd });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('must be empty or not exist; it holds notes.txt');
    expect(entries(join(cwd, 'app'))).toEqual(['notes.txt']);

    const forced = cli(['app', '--yes', '--skip-install', '--no-git', '--force'], { cwd });
    expect(forced.status).toBe(0);
    expect(readFileSync(join(cwd, 'app/notes.txt'), 'utf8')).toBe('keep me');
    expect(entries(join(cwd, 'app'))).toContain('.projenrc.ts');
    expect(entries(cwd)).toEqual(['app']);
  });

  test('--dry-run lists the files and writes nothing', () => {
    const { status, stdout, cwd } = cli(['planned', '--yes', '--dry-run']);
    expect(status).toBe(0);
    expect(stdout).toContain('Dry run');
    expect(stdout).toContain('src/stack-config.ts');
    expect(stdout).toContain('.projenrc.ts');
    expect(entries(cwd)).toEqual([]);
  });

  test('--answers reads a file', () => {
    const cwd = scratchDir();
    writeFileSync(join(cwd, 'answers.json'), JSON.stringify({ region: 'eu-north-1', databaseName: 'ledger' }));
    const { status } = cli(['ledger', '--yes', '--skip-install', '--no-git', '--answers', 'answers.json'], { cwd });
    expect(status).toBe(0);
    const stored = JSON.parse(readFileSync(join(cwd, 'ledger/.yo-rc.json'), 'utf8'))['create-rds-iam-stack'].answers;
    expect(stored).toMatchObject({ name: 'ledger', region: 'eu-north-1', databaseName: 'ledger' });
  });

  test('makes the first git commit unless --no-git', () => {
    const { status, cwd } = cli(['versioned', '--yes', '--skip-install'], {
      env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
    });
    expect(status).toBe(0);
    const log = spawnSync('git', ['log', '--format=%s'], { cwd: join(cwd, 'versioned'), encoding: 'utf8' });
    expect(log.stdout.trim()).toBe(`Scaffold with create-rds-iam-stack ${PACKAGE_VERSION}`);
    const status2 = spawnSync('git', ['status', '--porcelain'], { cwd: join(cwd, 'versioned'), encoding: 'utf8' });
    expect(status2.stdout).toBe('');
  });
});
