import { MIGRATIONS, migrateAnswers, migrateFiles, migrationsBetween, type Migration } from '../../src/update/migrations.js';

/** A fixture: 0.2.0 renamed an answer, 0.3.0 moved a construct, 0.1.5 added a comment. */
const FIXTURE: readonly Migration[] = [
  {
    version: '0.3.0',
    description: 'the network construct moved to src/constructs/vpc.ts',
    files: (files) => new Map([...files].map(([path, text]) => [path === 'src/constructs/network.ts' ? 'src/constructs/vpc.ts' : path, text])),
  },
  {
    version: '0.2.0',
    description: 'databaseName replaces dbName',
    answers: ({ dbName, ...rest }) => ({ ...rest, databaseName: dbName }),
  },
  {
    version: '0.1.5',
    description: 'a header in main.ts',
    files: (files) => new Map([...files].map(([path, text]) => [path, path === 'src/main.ts' ? `// header\n${text}` : text])),
  },
];

describe('migrations', () => {
  test('the first version has none', () => {
    expect(migrationsBetween('0.0.0', '0.1.0')).toEqual([]);
    expect(MIGRATIONS.length).toBe(0);
  });

  test('only the versions an update crosses run, oldest first', () => {
    expect(migrationsBetween('0.1.0', '0.2.0', FIXTURE).map((m) => m.version)).toEqual(['0.1.5', '0.2.0']);
    expect(migrationsBetween('0.1.5', '0.3.0', FIXTURE).map((m) => m.version)).toEqual(['0.2.0', '0.3.0']);
    expect(migrationsBetween('0.3.0', '0.4.0', FIXTURE)).toEqual([]);
  });

  test('answer steps rewrite recorded answers; steps without one leave them alone', () => {
    const steps = migrationsBetween('0.1.0', '0.3.0', FIXTURE);
    expect(migrateAnswers({ region: 'eu-west-1', dbName: 'orders' }, steps)).toEqual({ region: 'eu-west-1', databaseName: 'orders' });
  });

  test('file steps run in order on the files', () => {
    const steps = migrationsBetween('0.1.0', '0.3.0', FIXTURE);
    const migrated = migrateFiles(new Map([['src/main.ts', 'app\n'], ['src/constructs/network.ts', 'vpc\n']]), steps);
    expect([...migrated]).toEqual([
      ['src/main.ts', '// header\napp\n'],
      ['src/constructs/vpc.ts', 'vpc\n'],
    ]);
  });
});
