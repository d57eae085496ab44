import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderOwnedFiles } from '../../generators/app/owned-files.js';
import { parseAnswers, parseRecordedAnswers, withDefaults } from '../../src/answers/index.js';
import { PACKAGE_VERSION } from '../../src/package-info.js';
import type { Migration } from '../../src/update/migrations.js';
import { update } from '../../src/update/update.js';
import { EARLIER_VERSION } from '../support/versions.js';

/**
 * A fixture earlier version that called the database answer `dbName` and kept the naming rules in
 * `src/old-naming.ts`; the fixture migration of this version renames both.
 */
const FIXTURE_MIGRATION: Migration = {
  version: PACKAGE_VERSION,
  description: 'databaseName replaces dbName; src/old-naming.ts is now src/naming.ts',
  answers: ({ dbName, ...rest }) => ({ ...rest, databaseName: dbName }),
  files: (files) => new Map([...files].map(([path, text]) => [path === 'src/old-naming.ts' ? 'src/naming.ts' : path, text])),
};

async function renderFixtureVersion(answers: unknown): Promise<ReadonlyMap<string, string>> {
  const { dbName, ...rest } = answers as Record<string, unknown>;
  const current = await renderOwnedFiles(parseRecordedAnswers({ ...rest, databaseName: dbName }));
  return new Map([...current].map(([path, text]) => [path === 'src/naming.ts' ? 'src/old-naming.ts' : path, text]));
}

test('migrations of the versions crossed run before the merge, on the answers and on the files', async () => {
  const project = mkdtempSync(join(tmpdir(), 'update-'));
  const { databaseName, ...answers } = parseAnswers(withDefaults({ name: 'orders-db', databaseName: 'orders' }));
  const recorded = { ...answers, dbName: databaseName };
  for (const [path, text] of await renderFixtureVersion(recorded)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  }
  writeFileSync(join(project, '.yo-rc.json'), JSON.stringify({ 'create-rds-iam-stack': { generatorVersion: EARLIER_VERSION, answers: recorded } }));
  writeFileSync(join(project, 'src/old-naming.ts'), `${readFileSync(join(project, 'src/old-naming.ts'), 'utf8')}// ours\n`);
  const log: string[] = [];

  const outcome = await update({
    projectDir: project,
    cwd: project,
    dryRun: false,
    force: true,
    runProjen: false,
    log: (line) => log.push(line),
    migrations: [FIXTURE_MIGRATION, { version: EARLIER_VERSION, description: 'not crossed', answers: () => ({}) }],
    loadBasePackage: async () => ({ version: EARLIER_VERSION, renderOwnedFiles: renderFixtureVersion }),
  });

  expect(outcome).toMatchObject({ status: 'applied', conflicts: [] });
  const expected = await renderOwnedFiles(parseAnswers(withDefaults({ name: 'orders-db', databaseName: 'orders' })));
  // The moved file keeps the team's line at its new path; the old path is gone.
  expect(readFileSync(join(project, 'src/naming.ts'), 'utf8')).toBe(`${expected.get('src/naming.ts')}// ours\n`);
  expect(existsSync(join(project, 'src/old-naming.ts'))).toBe(false);
  // The renamed answer reached the new render: .projenrc.ts has databaseName, now of this version.
  expect(readFileSync(join(project, '.projenrc.ts'), 'utf8')).toBe(expected.get('.projenrc.ts'));
  expect(log).toContain(`  migration ${PACKAGE_VERSION}: ${FIXTURE_MIGRATION.description}`);
  expect(log.join('\n')).not.toContain('not crossed');
});
