import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderOwnedFiles } from '../../generators/app/owned-files.js';
import { parseRecordedAnswers } from '../../src/answers/index.js';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../src/package-info.js';
import { run } from '../support/commands.js';
import { EARLIER_VERSION } from '../support/versions.js';

/**
 * `update` between two real package versions: this one, and an "old" one packed from it with a
 * lower version and changed templates. A project scaffolded with the old one is edited as a team
 * would, then updated; the result is checked file by file, and it installs and builds.
 */
const OLD_VERSION = EARLIER_VERSION;
const work = mkdtempSync(join(tmpdir(), 'rds-iam-stack-update-'));
const project = join(work, 'orders-db');
const newTarball = join(work, `create-rds-iam-stack-${PACKAGE_VERSION}.tgz`);
const oldTarball = join(work, `create-rds-iam-stack-${OLD_VERSION}.tgz`);
const gitIdentity = { GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com' };
// Everything the commands put in the temp dir (update's own scratch directories included) lands in `work`.
const commandsTmp = join(work, 'tmp');
mkdirSync(commandsTmp);
const env = { ...process.env, ...gitIdentity, CI: 'true', NODE_OPTIONS: '', CDK_DISABLE_CLI_TELEMETRY: 'true', TMPDIR: commandsTmp };
// A team's shell, for the commands the test runs as the team: jest's NODE_ENV=test would make projen render elsewhere.
const { NODE_ENV: _jestMode, ...teamEnv }: NodeJS.ProcessEnv = env;
const read = (path: string) => readFileSync(join(project, path), 'utf8');

/** What the old version's templates differ in; each case of the merge has its file. */
const OLD_HEADER = '// Naming rules (as the old template had them).\n';
const OLD_NETWORK_HEADER = '// Network tests (as the old template had them).\n';
const TEMPLATE_HEADING = '## What this stack is';
const OLD_HEADING = '## What this stack does';
const TEAM_HEADING = '## What our stack is';
const TEAM_LINE = "export const TEAM_MARKER = 'ours';\n";

function packOldVersion(): void {
  const source = join(work, 'old');
  mkdirSync(source);
  run('tar', ['-xzf', newTarball, '-C', source, '--strip-components=1'], { cwd: work });
  const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  writeFileSync(join(source, 'package.json'), JSON.stringify({ ...manifest, version: OLD_VERSION }, null, 2));
  const templates = join(source, 'templates');
  const prepend = (path: string, text: string) => writeFileSync(join(templates, path), text + readFileSync(join(templates, path), 'utf8'));
  prepend('src/naming.ts', OLD_HEADER);
  prepend('test/infra/network.test.ts', OLD_NETWORK_HEADER);
  const readme = readFileSync(join(templates, 'README.md.ejs'), 'utf8');
  writeFileSync(join(templates, 'README.md.ejs'), readme.replace(TEMPLATE_HEADING, OLD_HEADING));
  rmSync(join(templates, 'app/README.md'));
  mkdirSync(join(templates, 'docs'));
  writeFileSync(join(templates, 'docs/old-notes.md'), 'Dropped later, never changed.\n');
  writeFileSync(join(templates, 'docs/team-notes.md'), 'Dropped later, changed by the team.\n');
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: source, env });
}

function update(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'lib/cli/bin.js'), 'update', ...args], {
    cwd: project,
    // A caller's NODE_ENV must not reach the project's projen, which would render elsewhere under `test`.
    env: { ...env, NODE_ENV: 'test' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const gitStatus = () => run('git', ['status', '--porcelain'], { cwd: project, env }).trim();

beforeAll(() => {
  run('npm', ['pack', '--pack-destination', work], { cwd: PACKAGE_ROOT, env });
  packOldVersion();
  // Scaffold with the old version, as `npx create-rds-iam-stack@<earlier>` would.
  const oldCli = join(work, 'old-cli');
  run('npm', ['install', '--prefix', oldCli, '--no-audit', '--no-fund', '--ignore-scripts', oldTarball], { cwd: work, env });
  run(
    process.execPath,
    [join(oldCli, 'node_modules/create-rds-iam-stack/lib/cli/bin.js'), 'orders-db', '--yes', '--skip-install', '--no-git', '--package-source', `file:${oldTarball}`],
    { cwd: work, env },
  );
  run('git', ['init', '--quiet', '--initial-branch=main'], { cwd: project, env });
  run('git', ['add', '--all'], { cwd: project, env });
  run('git', ['commit', '--quiet', '-m', 'Scaffold'], { cwd: project, env });
  // The team's edits: one merges cleanly, one conflicts, one file deleted, one dropped file changed.
  appendFileSync(join(project, 'src/naming.ts'), TEAM_LINE);
  writeFileSync(join(project, 'README.md'), read('README.md').replace(OLD_HEADING, TEAM_HEADING));
  rmSync(join(project, 'test/infra/network.test.ts'));
  appendFileSync(join(project, 'docs/team-notes.md'), 'Our own note.\n');
  run('git', ['commit', '--quiet', '--all', '-m', 'Team edits'], { cwd: project, env });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

test('refuses a dirty work tree and writes nothing', () => {
  appendFileSync(join(project, 'src/main.ts'), '// uncommitted\n');
  try {
    const result = update('--yes', '--base-package', oldTarball);
    expect(result.status).toBe(1);
    expect(result.output).toMatch(/uncommitted changes:\n +M src\/main\.ts/);
    expect(result.output).toContain('Nothing was written.');
  } finally {
    run('git', ['checkout', '--', 'src/main.ts'], { cwd: project, env });
  }
});

test('--dry-run shows the plan, writes nothing, and its exit code says a conflict would remain', () => {
  const result = update('--dry-run', '--base-package', oldTarball, '--package-source', `file:${newTarball}`);
  expect(result.output).toMatch(/CONFLICT +README\.md/);
  expect(result.status).toBe(3);
  expect(gitStatus()).toBe('');
});

test('update merges three ways, reports, installs the new version and re-renders the managed files', () => {
  const answers = parseRecordedAnswers(JSON.parse(read('.yo-rc.json'))['create-rds-iam-stack'].answers);
  const result = update('--yes', '--base-package', oldTarball, '--package-source', `file:${newTarball}`);
  expect(result.status).toBe(3);
  expect(result.output).toMatch(/CONFLICT +README\.md \(1 conflicting hunk\)/);
  expect(result.output).toMatch(/merged +src\/naming\.ts/);
  expect(result.output).toMatch(/not restored +test\/infra\/network\.test\.ts/);
  expect(result.output).toMatch(/added +app\/README\.md/);
  expect(result.output).toMatch(/removed +docs\/old-notes\.md/);
  expect(result.output).toMatch(/kept +docs\/team-notes\.md/);
  expect(result.output).toContain('resolve the conflict markers');

  return renderOwnedFiles(answers, { packageSource: `file:${newTarball}` }).then((expected) => {
    // The clean merge: the template's change and the team's line.
    expect(read('src/naming.ts')).toBe(expected.get('src/naming.ts')! + TEAM_LINE);
    // The conflict: standard markers around both versions of the heading.
    const readme = read('README.md');
    expect(readme).toContain(`<<<<<<< yours\n${TEAM_HEADING}\n=======\n${TEMPLATE_HEADING}\n>>>>>>> create-rds-iam-stack ${PACKAGE_VERSION}\n`);
    expect(readme.replace(/<<<<<<< yours\n.*\n=======\n(.*)\n>>>>>>> .*\n/, '$1\n')).toBe(expected.get('README.md'));
    // Deleted by the team: stays deleted. Dropped by the template: gone unless the team changed it.
    expect(existsSync(join(project, 'test/infra/network.test.ts'))).toBe(false);
    expect(existsSync(join(project, 'docs/old-notes.md'))).toBe(false);
    expect(read('docs/team-notes.md')).toBe('Dropped later, changed by the team.\nOur own note.\n');
    // Every other owned file is exactly the new version's, .projenrc.ts (new version, new source) included.
    for (const [path, text] of expected) {
      if (['src/naming.ts', 'README.md', 'test/infra/network.test.ts'].includes(path)) continue;
      expect({ path, text: read(path) }).toEqual({ path, text });
    }
    expect(read('.projenrc.ts')).toContain(`ownedFilesVersion: '${PACKAGE_VERSION}'`);
    // projen ran with the installed new version: the record moved on.
    const record = JSON.parse(read('.yo-rc.json'))['create-rds-iam-stack'];
    expect(record.generatorVersion).toBe(PACKAGE_VERSION);
    expect(record.packageSource).toBe(`file:${newTarball}`);
    expect(JSON.parse(read('package.json')).devDependencies['create-rds-iam-stack']).toBe(`file:${newTarball}`);
  });
});

test('once the conflict is resolved, projen is current and the project builds', () => {
  const readme = read('README.md');
  writeFileSync(join(project, 'README.md'), readme.replace(/<<<<<<< yours\n(.*)\n=======\n.*\n>>>>>>> .*\n/, '$1\n'));
  run('npx', ['projen', 'build'], { cwd: project, env: { ...teamEnv, CI: 'false' } });
  // A second update has nothing left to do.
  run('git', ['add', '--all'], { cwd: project, env });
  run('git', ['commit', '--quiet', '-m', 'Update'], { cwd: project, env });
  const again = update('--yes');
  expect(again.status).toBe(0);
  expect(again.output).toContain(`already come from create-rds-iam-stack ${PACKAGE_VERSION}`);
});
