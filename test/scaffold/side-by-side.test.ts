import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from '../../src/scaffold/child-process.js';
import { runSideBySide } from '../../src/scaffold/side-by-side.js';

describe('runSideBySide', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'side-by-side-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A child that writes `started`, waits for `release` to exist (at most 20 s), then writes `done`. */
  const waiter = (name: string, release: string, signal: AbortSignal) =>
    runChild(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
         fs.writeFileSync(${JSON.stringify(join(dir, `${name}.started`))}, '');
         const end = Date.now() + 20000;
         const timer = setInterval(() => {
           if (fs.existsSync(${JSON.stringify(join(dir, release))}) || Date.now() > end) {
             fs.writeFileSync(${JSON.stringify(join(dir, `${name}.done`))}, '');
             clearInterval(timer);
           }
         }, 20);`,
      ],
      { cwd: dir, signal, capture: true },
    );
  const releaser = (name: string, signal: AbortSignal) =>
    runChild(process.execPath, ['-e', `require('node:fs').writeFileSync(${JSON.stringify(join(dir, name))}, '')`], { cwd: dir, signal, capture: true });

  test('runs its steps at the same time: a step that waits for its sibling finishes', async () => {
    const started = Date.now();
    await runSideBySide(new AbortController().signal, [(signal) => waiter('a', 'b.released', signal), (signal) => releaser('b.released', signal)]);
    expect(existsSync(join(dir, 'a.done'))).toBe(true);
    // Run one after the other, the waiter would have waited out its 20 s.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  test('a failing step stops its siblings, and the run rejects with that failure once all have settled', async () => {
    const failure = new Error('the service install failed');
    const run = runSideBySide(new AbortController().signal, [
      (signal) => waiter('a', 'never', signal),
      async () => {
        while (!existsSync(join(dir, 'a.started'))) await new Promise((resolve) => setTimeout(resolve, 20));
        throw failure;
      },
    ]);
    await expect(run).rejects.toBe(failure);
    // The waiter was stopped, not left to run out its time.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(join(dir, 'a.done'))).toBe(false);
  });

  test('an interruption stops every step and the run rejects with its reason', async () => {
    const interruption = new AbortController();
    const reason = new Error('SIGINT');
    const run = runSideBySide(interruption.signal, [(signal) => waiter('a', 'never', signal), (signal) => waiter('b', 'never', signal)]);
    while (!existsSync(join(dir, 'a.started')) || !existsSync(join(dir, 'b.started'))) await new Promise((resolve) => setTimeout(resolve, 20));
    interruption.abort(reason);
    await expect(run).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(['a.done', 'b.done'].filter((file) => existsSync(join(dir, file)))).toEqual([]);
  });

  test('resolves when every step succeeds', async () => {
    await runSideBySide(new AbortController().signal, [(signal) => releaser('one', signal), (signal) => releaser('two', signal)]);
    expect([readFileSync(join(dir, 'one'), 'utf8'), readFileSync(join(dir, 'two'), 'utf8')]).toEqual(['', '']);
  });
});
