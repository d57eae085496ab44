import { gitMergeFile } from '../../src/update/merge.js';
import { planUpdate, withMigratedFiles, type FileSet } from '../../src/update/plan.js';

const labels = { ours: 'yours', base: 'create-rds-iam-stack 0.1.0', theirs: 'create-rds-iam-stack 0.2.0' };
const lines = (...values: string[]) => `${values.join('\n')}\n`;
const files = (entries: Record<string, string>): FileSet => new Map(Object.entries(entries));

async function plan(base: Record<string, string>, theirs: Record<string, string>, ours: Record<string, string>) {
  return (await planUpdate({ base: files(base), theirs: files(theirs), ours: files(ours) }, gitMergeFile, labels)).files;
}

describe('planUpdate', () => {
  const original = lines('one', 'two', 'three', 'four', 'five', 'six');
  const templateChange = lines('one', 'TWO', 'three', 'four', 'five', 'six');

  test('a file the team never changed takes the new template', async () => {
    expect(await plan({ 'a.ts': original }, { 'a.ts': templateChange }, { 'a.ts': original })).toEqual([
      { path: 'a.ts', action: 'updated', text: templateChange },
    ]);
  });

  test('changes of the team and of the template in different places merge cleanly', async () => {
    const team = lines('one', 'two', 'three', 'four', 'five', 'SIX (ours)');
    expect(await plan({ 'a.ts': original }, { 'a.ts': templateChange }, { 'a.ts': team })).toEqual([
      { path: 'a.ts', action: 'merged', text: lines('one', 'TWO', 'three', 'four', 'five', 'SIX (ours)') },
    ]);
  });

  test('changes of both to the same lines give standard conflict markers and a count', async () => {
    const team = lines('one', 'two, as we like it', 'three', 'four', 'five', 'six');
    const [file] = await plan({ 'a.ts': original }, { 'a.ts': templateChange }, { 'a.ts': team });
    expect(file).toMatchObject({ path: 'a.ts', action: 'conflict', conflicts: 1 });
    expect(file!.text).toBe(
      lines(
        'one',
        '<<<<<<< yours',
        'two, as we like it',
        '=======',
        'TWO',
        '>>>>>>> create-rds-iam-stack 0.2.0',
        'three',
        'four',
        'five',
        'six',
      ),
    );
  });

  test('a new template file is added', async () => {
    expect(await plan({}, { 'new.ts': original }, {})).toEqual([{ path: 'new.ts', action: 'added', text: original }]);
  });

  test('a new template file at a path the team already uses merges against nothing', async () => {
    const [file] = await plan({}, { 'new.ts': original }, { 'new.ts': lines('our own file') });
    expect(file).toMatchObject({ path: 'new.ts', action: 'conflict' });
    expect(file!.text).toContain('our own file');
  });

  test('a file the template dropped is removed when the team never changed it', async () => {
    expect(await plan({ 'old.ts': original }, {}, { 'old.ts': original })).toEqual([{ path: 'old.ts', action: 'removed' }]);
  });

  test('a file the template dropped is kept when the team changed it', async () => {
    expect(await plan({ 'old.ts': original }, {}, { 'old.ts': templateChange })).toEqual([{ path: 'old.ts', action: 'kept-dropped' }]);
  });

  test('a file both the template and the team dropped needs nothing', async () => {
    expect(await plan({ 'old.ts': original }, {}, {})).toEqual([]);
  });

  test('a file the team deleted stays deleted, and is reported when the template changed it', async () => {
    expect(await plan({ 'gone.ts': original }, { 'gone.ts': templateChange }, {})).toEqual([{ path: 'gone.ts', action: 'kept-deleted' }]);
    expect(await plan({ 'gone.ts': original }, { 'gone.ts': original }, {})).toEqual([]);
  });

  test('files nobody changed, or already as the template has them, are left out', async () => {
    expect(await plan({ 'a.ts': original, 'b.ts': original }, { 'a.ts': original, 'b.ts': templateChange }, { 'a.ts': templateChange, 'b.ts': templateChange })).toEqual([]);
  });

  test('the plan lists files in path order', async () => {
    const result = await plan({}, { 'b.ts': original, 'a/z.ts': original, 'a.ts': original }, {});
    expect(result.map((file) => file.path)).toEqual(['a.ts', 'a/z.ts', 'b.ts']);
  });
});

describe('withMigratedFiles', () => {
  test('a file a migration moved is deleted at its old path and written at its new one', () => {
    const original = files({ 'src/old.ts': 'x\n', 'src/same.ts': 'y\n' });
    const migrated = files({ 'src/new.ts': 'x\n', 'src/same.ts': 'y\n' });
    expect(withMigratedFiles({ files: [] }, original, migrated).files).toEqual([
      { path: 'src/new.ts', action: 'migrated', text: 'x\n' },
      { path: 'src/old.ts', action: 'migrated' },
    ]);
  });

  test('a file the merge already writes is not written twice', () => {
    const original = files({ 'src/a.ts': 'x\n' });
    const migrated = files({ 'src/a.ts': 'x2\n' });
    const merged = { files: [{ path: 'src/a.ts', action: 'merged' as const, text: 'x3\n' }] };
    expect(withMigratedFiles(merged, original, migrated).files).toEqual(merged.files);
  });
});
