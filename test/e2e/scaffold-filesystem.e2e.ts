import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installPackedCli, type PackedCli } from './packed-cli.js';
import { run } from '../support/commands.js';

/**
 * The file systems a target may sit on, made for real: a full disk, a read-only one, a mount
 * point as the target. Mounting needs root (CI runs as root).
 */
let cli: PackedCli;
const work = mkdtempSync(join(tmpdir(), 'scaffold-filesystem-'));
const mounted: string[] = [];

beforeAll(() => {
  if (process.getuid?.() !== 0) {
    throw new Error('These tests mount small tmpfs file systems and need root: run them as root (CI does), e.g. sudo -E npm run test:e2e -- test/e2e/scaffold-filesystem.e2e.ts');
  }
  cli = installPackedCli();
});

afterAll(() => {
  for (const path of mounted.reverse()) spawnSync('umount', [path]);
  cli?.remove();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh tmpfs of this size (e.g. `1m`), mounted with these options; unmounted after the tests. */
function tmpfs(size: string, ...options: string[]): string {
  const path = mkdtempSync(join(work, 'mnt-'));
  run('mount', ['-t', 'tmpfs', '-o', [`size=${size}`, ...options].join(','), 'tmpfs', path], { cwd: work });
  mounted.push(path);
  return path;
}

function scaffold(cwd: string, args: string[]) {
  const privateTmp = mkdtempSync(join(work, 'tmp-'));
  const result = spawnSync(process.execPath, [cli.bin, ...args, '--yes', '--package-source', `file:${cli.tarball}`], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NODE_OPTIONS: '', TMPDIR: privateTmp },
    timeout: 900_000,
    // npm warns once per file it could not write.
    maxBuffer: 256 * 1024 * 1024,
  });
  // Node's compile cache is meant to stay; no render directory may.
  return { ...result, leftInTmp: readdirSync(privateTmp).filter((entry) => entry !== 'node-compile-cache') };
}

test('a disk that fills up during the install is reported as "disk full", and nothing is left on it', () => {
  const disk = tmpfs('16m');
  const result = scaffold(disk, ['orders-db', '--no-git']);
  const ending = result.stderr.split('\n').slice(-4).join('\n');
  expect(ending).toMatch(/Disk full: no space left on the file system of "[^"]+" \(`npm install --no-audit --no-fund` failed\)/);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('Nothing was written.');
  expect(readdirSync(disk)).toEqual([]);
  expect(result.leftInTmp).toEqual([]);
});

test('a disk too full for the files themselves is reported as "disk full"', () => {
  const disk = tmpfs('64k');
  const result = scaffold(disk, ['orders-db', '--skip-install', '--no-git']);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/Disk full: no space left on the file system of "[^"]+" \(writing the files\)/);
  expect(readdirSync(disk)).toEqual([]);
});

test('a read-only parent is refused up front, naming the directory and the rule', () => {
  const readOnly = tmpfs('1m', 'ro');
  const result = scaffold(work, [join(readOnly, 'orders-db'), '--skip-install', '--no-git']);
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`cannot be written: "${readOnly}" is on a read-only file system; choose a directory you can write to`);
  expect(result.stderr).not.toContain('Created');
});

test('a mount point as the target is written into, and stays the mount point', () => {
  const parent = mkdtempSync(join(work, 'parent-'));
  const target = join(parent, 'orders-db');
  mkdirSync(target);
  run('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', target], { cwd: work });
  mounted.push(target);
  const before = statSync(target);
  const result = scaffold(parent, ['orders-db', '--skip-install', '--no-git']);
  expect(result.stderr).not.toMatch(/EXDEV|EBUSY|ENOTDIR/);
  expect(result.status).toBe(0);
  expect(statSync(target).ino).toBe(before.ino);
  expect(statSync(target).dev).toBe(before.dev);
  expect(readdirSync(target)).toEqual(expect.arrayContaining(['.projenrc.ts', 'package.json', 'src']));
  expect(readdirSync(parent)).toEqual(['orders-db']);
});
