import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, entries, QUICK, scratchDir } from '../support/cli.js';

// eslint-disable-next-line no-bitwise -- the permission bits of st_mode
const mode = (path: string) => statSync(path).mode & 0o777;

/** Every file under a directory with its content, to show that nothing changed. */
function snapshotTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[join(entry.parentPath, entry.name).slice(root.length)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return files;
}

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

describe('the target directory is kept, never replaced', () => {
  test("the shell's cwd ('.') is filled in place: same inode, same mode, and nothing beside it", () => {
    const parent = scratchDir();
    const here = join(parent, 'orders-db');
    mkdirSync(here);
    chmodSync(here, 0o750);
    const inode = statSync(here).ino;
    const run = cli(QUICK, { cwd: here });
    expect(run.status).toBe(0);
    expect(statSync(here).ino).toBe(inode);
    expect(mode(here)).toBe(0o750);
    expect(entries(here)).toEqual(expect.arrayContaining(['.projenrc.ts', 'package.json', 'src']));
    expect(entries(parent)).toEqual(['orders-db']);
    expect(JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).name).toBe('orders-db');
  });

  test('a new target and its subdirectories get the umask (never 0700)', () => {
    const run = cli(['fresh', ...QUICK], { umask: '027' });
    expect(run.status).toBe(0);
    expect(mode(join(run.cwd, 'fresh'))).toBe(0o750);
    expect(mode(join(run.cwd, 'fresh/src'))).toBe(0o750);
    const open = cli(['fresh', ...QUICK], { umask: '022' });
    expect(mode(join(open.cwd, 'fresh'))).toBe(0o755);
  });

  test('missing parent directories are made only when the run succeeds', () => {
    const refused = cli(['a/b/stack', '--yes', '--db-name', 'select']);
    expect(refused.status).toBe(1);
    expect(entries(refused.cwd)).toEqual([]);
    const made = cli(['a/b/stack', ...QUICK]);
    expect(made.status).toBe(0);
    expect(entries(join(made.cwd, 'a/b/stack'))).toContain('.projenrc.ts');
    expect(entries(made.cwd)).toEqual(['a']);
    expect(entries(join(made.cwd, 'a/b'))).toEqual(['stack']);
  });

  test('a symbolic link to a directory is written through', () => {
    const cwd = scratchDir();
    mkdirSync(join(cwd, 'real'));
    symlinkSync('real', join(cwd, 'link'));
    const run = cli(['link', ...QUICK], { cwd });
    expect(run.status).toBe(0);
    expect(entries(join(cwd, 'real'))).toContain('.projenrc.ts');
    expect(entries(cwd)).toEqual(['link', 'real']);
  });

  test.each([
    ['a file', (cwd: string) => writeFileSync(join(cwd, 'target'), 'x'), 'target', /Target directory "target" is a file; it must be a directory or not exist/],
    ['a dangling symbolic link', (cwd: string) => symlinkSync('missing', join(cwd, 'target')), 'target', /Target directory "target" is a symbolic link to a path that does not exist/],
    ['below a file', (cwd: string) => writeFileSync(join(cwd, 'file'), 'x'), 'file/target', /Target directory "file\/target" cannot be created: "[^"]*file" is a file/],
  ])('%s is refused up front, and nothing is created', (_case, prepare, target, message) => {
    const cwd = scratchDir();
    prepare(cwd);
    const before = entries(cwd);
    const run = cli([target, ...QUICK], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Nothing was written.');
    expect(entries(cwd)).toEqual(before);
  });
});

describe('one run per target', () => {
  test('a lock held by a running process refuses the run; a stale lock is taken over', () => {
    const cwd = scratchDir();
    const lock = join(cwd, '.stack.create-rds-iam-stack.lock');
    writeFileSync(lock, `${process.pid}\n`);
    const refused = cli(['stack', ...QUICK], { cwd });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`Target directory "stack" is being written by another create-rds-iam-stack run (process ${process.pid}`);
    expect(entries(cwd)).toEqual(['.stack.create-rds-iam-stack.lock']);

    // A process that has exited: its lock is stale.
    const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    writeFileSync(lock, `${gone}\n`);
    const taken = cli(['stack', ...QUICK], { cwd });
    expect(taken.status).toBe(0);
    expect(entries(cwd)).toEqual(['stack']);
  });
});

describe('--force never destroys work silently', () => {
  /** A scaffolded project whose owned src/main.ts was edited. */
  function editedProject(): { cwd: string; project: string } {
    const { cwd } = cli(['project', ...QUICK]);
    const project = join(cwd, 'project');
    writeFileSync(join(project, 'src/main.ts'), '// my own changes\n');
    return { cwd, project };
  }

  test('without a terminal, an edited file is a conflict: refused, listed, exit 1, nothing changed', () => {
    const { cwd, project } = editedProject();
    const before = snapshotTree(cwd);
    const run = cli(['project', '--force', ...QUICK], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Target directory "project": 1 existing file would be replaced with other content:\n  src/main.ts\n');
    expect(run.stderr).toContain('--overwrite');
    expect(snapshotTree(cwd)).toEqual(before);
    expect(readFileSync(join(project, 'src/main.ts'), 'utf8')).toBe('// my own changes\n');
  });

  test('--overwrite replaces it', () => {
    const { cwd, project } = editedProject();
    const run = cli(['project', '--force', '--overwrite', ...QUICK], { cwd });
    expect(run.status).toBe(0);
    expect(readFileSync(join(project, 'src/main.ts'), 'utf8')).toContain('addStages(app, stackConfig');
    expect(entries(cwd)).toEqual(['project']);
  });

  test('--overwrite needs --force', () => {
    const run = cli(['project', '--overwrite', ...QUICK]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--overwrite applies to files in a non-empty directory: give it together with --force');
  });

  test('--dry-run --force lists what would be created, changed and in conflict, and changes nothing', () => {
    const { cwd, project } = editedProject();
    writeFileSync(join(project, 'notes.txt'), 'mine');
    const removed = join(project, 'src/naming.ts');
    spawnSync('rm', [removed]);
    const before = snapshotTree(cwd);
    const run = cli(['project', '--force', '--dry-run', '--yes'], { cwd });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Dry run in project: 1 to create, 1 in conflict \(differ from what would be written\), \d+ unchanged:\n {2}create {4}src\/naming.ts\n {2}conflict {2}src\/main.ts\n$/);
    const overwriting = cli(['project', '--force', '--overwrite', '--dry-run', '--yes'], { cwd });
    expect(overwriting.stdout).toContain('1 to overwrite (--overwrite)');
    expect(overwriting.stdout).toContain('  overwrite src/main.ts');
    expect(snapshotTree(cwd)).toEqual(before);
  });
});

describe('an existing git repository is never replaced', () => {
  test('a target holding only .git (a fresh clone) keeps its history, remotes, branch and config', () => {
    const cwd = scratchDir();
    const repo = join(cwd, 'clone');
    mkdirSync(repo);
    git(repo, 'init', '--quiet', '--initial-branch=trunk');
    git(repo, 'remote', 'add', 'origin', 'https://example.com/acme/clone.git');
    git(repo, 'config', 'user.name', 'Team Member');
    git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'initial');
    const head = git(repo, 'rev-parse', 'HEAD');

    const run = cli(['clone', '--yes', '--skip-install'], { cwd });
    expect(run.status).toBe(0);
    expect(run.stderr + run.stdout).toContain('Inside an existing git repository: the new files are left for you to review and commit.');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'branch', '--show-current')).toBe('trunk');
    expect(git(repo, 'remote', 'get-url', 'origin')).toBe('https://example.com/acme/clone.git');
    expect(git(repo, 'config', 'user.name')).toBe('Team Member');
    expect(git(repo, 'status', '--porcelain')).toContain('?? .projenrc.ts');
  });

  test('a work tree with --force keeps its history and its files', () => {
    const cwd = scratchDir();
    const repo = join(cwd, 'work');
    mkdirSync(repo);
    git(repo, 'init', '--quiet', '--initial-branch=develop');
    writeFileSync(join(repo, 'notes.md'), 'ours');
    git(repo, 'add', 'notes.md');
    git(repo, 'commit', '--quiet', '-m', 'notes');
    const head = git(repo, 'rev-parse', 'HEAD');

    const run = cli(['work', '--yes', '--skip-install', '--force'], { cwd });
    expect(run.status).toBe(0);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(repo, 'log', '--format=%s')).toBe('notes');
    expect(git(repo, 'branch', '--show-current')).toBe('develop');
    expect(readFileSync(join(repo, 'notes.md'), 'utf8')).toBe('ours');
    expect(existsSync(join(repo, 'src/stack-config.ts'))).toBe(true);
  });
});
