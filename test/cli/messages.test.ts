import { spawnSync } from 'node:child_process';
import { PACKAGE_ROOT } from '../../src/package-info.js';
import { cli, entries, QUICK, scratchDir } from '../support/cli.js';

const ESCAPE = '\u001b';

describe('messages', () => {
  test('--dry-run prints the file list only: no create log, no "Created", no next steps', () => {
    const run = cli(['planned', '--yes', '--dry-run']);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Dry run: these files would be written to planned:');
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}[^\s]+$/);
    expect(lines).toContain('  src/stack-config.ts');
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(/create |Created|Next steps/);
    expect(entries(run.cwd)).toEqual([]);
  });

  test('a refusal has no Yeoman banner and no colour codes when the output is not a terminal', () => {
    const run = cli(['x', '--yes', '--db-name', 'select']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'Invalid answers:\n  - database name (--db-name) "select" must not be a MySQL reserved word\nNothing was written.\n',
    );
    expect(run.stdout + run.stderr).not.toContain(ESCAPE);
  });

  test('a scaffold prints no colour codes when the output is not a terminal', () => {
    const run = cli(['plain', ...QUICK], { env: { FORCE_COLOR: '' } });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('create src/main.ts');
    expect(run.stdout + run.stderr).not.toContain(ESCAPE);
  });

  test('on a terminal, NO_COLOR turns colours off', () => {
    // `script` gives the command line a pseudo-terminal, as a person's shell would.
    const onTerminal = (noColor: boolean) => {
      const cwd = scratchDir();
      const command = `${PACKAGE_ROOT}/node_modules/.bin/tsx ${PACKAGE_ROOT}/src/cli/bin.ts stack --yes --skip-install --no-git`;
      return spawnSync('script', ['-qec', command, '/dev/null'], {
        encoding: 'utf8',
        cwd,
        env: { ...process.env, CI: 'true', NODE_OPTIONS: '', TERM: 'xterm-256color', FORCE_COLOR: '', NO_COLOR: noColor ? '1' : '' },
      }).stdout;
    };
    const coloured = onTerminal(false);
    expect(coloured).toContain('create');
    expect(coloured).toContain(ESCAPE);
    const plain = onTerminal(true);
    expect(plain).toContain('create');
    expect(plain).not.toContain(ESCAPE);
  });

  test('a name beyond what AWS allows downstream is refused up front, naming the limit', () => {
    const name = `a${'b'.repeat(199)}`;
    const run = cli([name, '--yes', '--name', name]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/project name \(--name\) "abbb[b]*\.\.\. \(200 characters\) must be at most 118 characters after any @scope\/ \(it has 200\): it names the CloudFormation stacks, which AWS limits to 128 characters/);
    expect(entries(run.cwd)).toEqual([]);
  });

  test('a directory name that is not a package name: the chosen name is stated with the rule', () => {
    const run = cli(['Bad_Name', ...QUICK]);
    expect(run.status).toBe(0);
    expect(run.stderr + run.stdout).toContain(
      'package name: my-rds-iam-stack (the --name default; the directory name "Bad_Name" must be a valid npm package name (name can no longer contain capital letters); pass --name to choose another)',
    );
  });
});
