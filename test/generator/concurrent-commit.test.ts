import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createStore } from 'mem-fs';
import { create as createEditor, type MemFsEditorFile } from 'mem-fs-editor';
import { isFilePending } from 'mem-fs-editor/state';
import { commitConcurrently } from '../../generators/app/concurrent-commit.js';

describe('commitConcurrently', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'concurrent-commit-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function editorWithFiles() {
    const store = createStore<MemFsEditorFile>();
    const editor = createEditor(store);
    for (let index = 0; index < 60; index++) editor.write(join(root, `dir-${index % 7}`, 'nested', `file-${index}.txt`), `content ${index}\n`);
    editor.write(join(root, 'read-only.json'), '{}\n');
    store.get(join(root, 'read-only.json')).stat = { mode: 0o100444 };
    return { store, editor };
  }

  test('writes every pending file, in nested directories, and reports each one relative to the root', async () => {
    const { store } = editorWithFiles();
    const created: string[] = [];
    await commitConcurrently(store, root, (path) => created.push(path));

    expect(created).toHaveLength(61);
    expect(created).toContain(join('dir-3', 'nested', 'file-10.txt'));
    for (let index = 0; index < 60; index++) {
      expect(readFileSync(join(root, `dir-${index % 7}`, 'nested', `file-${index}.txt`), 'utf8')).toBe(`content ${index}\n`);
    }
    expect(store.all().filter(isFilePending)).toEqual([]);
  });

  test('keeps a file mode exactly, whatever the umask', async () => {
    const { store } = editorWithFiles();
    const previous = process.umask(0o077);
    try {
      await commitConcurrently(store, root, () => undefined);
    } finally {
      process.umask(previous);
    }
    const permissions = (path: string) => statSync(path).mode.toString(8).slice(-3);
    expect(permissions(join(root, 'read-only.json'))).toBe('444');
    expect(permissions(join(root, 'dir-0', 'nested', 'file-0.txt'))).toBe('600');
  });

  test('removes a file deleted in memory, and a second commit writes nothing again', async () => {
    writeFileSync(join(root, 'stale.txt'), 'old');
    const { store, editor } = editorWithFiles();
    editor.delete(join(root, 'stale.txt'));
    await commitConcurrently(store, root, () => undefined);
    expect(existsSync(join(root, 'stale.txt'))).toBe(false);

    const again: string[] = [];
    await commitConcurrently(store, root, (path) => again.push(path));
    expect(again).toEqual([]);
  });

  test('fails when a file cannot be written, after the others settled', async () => {
    const { store } = editorWithFiles();
    writeFileSync(join(root, 'dir-1'), 'a file where a directory is expected');
    await expect(commitConcurrently(store, root, () => undefined)).rejects.toThrow(/EEXIST|ENOTDIR/);
    for (let index = 0; index < 60; index += 7) expect(existsSync(join(root, 'dir-0', 'nested', `file-${index}.txt`))).toBe(true);
  });
});
