import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../src/package-info.js';
import { run } from '../support/commands.js';

/**
 * The whole path a team takes, offline from AWS: scaffold, install (this package from a local
 * tarball, since it is not published from here), build = projen synth + compile + the generated
 * tests + cdk synth with cdk-nag.
 */
const work = mkdtempSync(join(tmpdir(), 'rds-iam-stack-e2e-'));
const project = join(work, 'orders-db');
const gitIdentity = {
  GIT_AUTHOR_NAME: 'e2e',
  GIT_AUTHOR_EMAIL: 'e2e@example.com',
  GIT_COMMITTER_NAME: 'e2e',
  GIT_COMMITTER_EMAIL: 'e2e@example.com',
};
const env = { ...process.env, ...gitIdentity, CI: 'true', NODE_OPTIONS: '' };

beforeAll(() => {
  run('npm', ['pack', '--pack-destination', work], { cwd: PACKAGE_ROOT, env });
  const tarball = join(work, `create-rds-iam-stack-${PACKAGE_VERSION}.tgz`);
  run(
    process.execPath,
    [
      join(PACKAGE_ROOT, 'lib/src/cli/bin.js'),
      'orders-db',
      '--region',
      'eu-west-1',
      '--az-count',
      '3',
      '--db-name',
      'orders',
      '--user',
      'orders_app:read-write',
      '--user',
      'reporting:read-only',
      '--yes',
      '--skip-install',
      '--package-source',
      `file:${tarball}`,
    ],
    { cwd: work, env },
  );
  run('npm', ['install', '--no-audit', '--no-fund'], { cwd: project, env });
  // As the generator does after its own install: projen pins the resolved versions, then commit.
  run('npx', ['projen'], { cwd: project, env: { ...env, CI: 'false' } });
  run('git', ['add', '--all'], { cwd: project, env });
  run('git', ['commit', '--quiet', '-m', 'Install'], { cwd: project, env });
});

test('the generated project builds: projen, compile, its tests, cdk synth with cdk-nag', () => {
  run('npx', ['projen', 'build'], { cwd: project, env });
  const templates = readdirSync(join(project, 'cdk.out')).filter((file) => file.endsWith('.template.json'));
  expect(templates).toEqual(['orders-db.template.json']);
});

test('re-running projen leaves every managed and owned file as generated', () => {
  run('npx', ['projen'], { cwd: project, env });
  expect(run('git', ['status', '--porcelain'], { cwd: project, env })).toBe('');
});

test('changing a user in .projenrc.ts re-renders the config module', () => {
  const projenrc = join(project, '.projenrc.ts');
  const original = readFileSync(projenrc, 'utf8');
  try {
    const edited = original.replace("{ name: 'reporting', access: 'read-only' },", "{ name: 'reporting', access: 'read-write' },");
    expect(edited).not.toBe(original);
    writeFileSync(projenrc, edited);
    run('npx', ['projen'], { cwd: project, env });
    expect(readFileSync(join(project, 'src/stack-config.ts'), 'utf8')).toContain("name: 'reporting',\n      access: 'read-write'");
  } finally {
    writeFileSync(projenrc, original);
    run('npx', ['projen'], { cwd: project, env });
  }
});

test('an invalid edit of .projenrc.ts fails projen with the rule', () => {
  const projenrc = join(project, '.projenrc.ts');
  const original = readFileSync(projenrc, 'utf8');
  try {
    writeFileSync(projenrc, original.replace("databaseName: 'orders'", "databaseName: 'select'"));
    expect(() => run('npx', ['projen'], { cwd: project, env })).toThrow(
      /database name \(--db-name\) "select" must not be a MySQL reserved word/,
    );
  } finally {
    writeFileSync(projenrc, original);
  }
  expect(existsSync(join(project, 'src/stack-config.ts'))).toBe(true);
});
