import { spawnSync } from 'node:child_process';
import { busyOption, finishedChildrenCpuSeconds, startBackgroundLoad } from '../../bench/measure.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Burns about `seconds` of CPU in a child process and waits for it. */
function burnInChild(seconds: number): void {
  const script = `const end = performance.now() + ${seconds * 1000}; while (performance.now() < end) {}`;
  expect(spawnSync(process.execPath, ['-e', script]).status).toBe(0);
}

describe('bench measurements', () => {
  test("a finished child's CPU time is counted", () => {
    const before = finishedChildrenCpuSeconds();
    expect(before).toBeDefined();
    burnInChild(0.6);
    const after = finishedChildrenCpuSeconds()!;
    // The child spun for 0.6 s of wall time; on a busy machine it got less than all of it.
    expect(after - before!).toBeGreaterThan(0.2);
    expect(after - before!).toBeLessThan(5);
  });

  test('--busy starts processes that keep a core busy, and stops them', async () => {
    const before = finishedChildrenCpuSeconds()!;
    const started = process.cpuUsage();
    const stop = startBackgroundLoad(1);
    await sleep(1000);
    stop();
    // This process only waited: the CPU time is the stopped child's, counted once it is reaped.
    const own = process.cpuUsage(started);
    expect((own.user + own.system) / 1e6).toBeLessThan(0.5);
    let burned = 0;
    for (let waited = 0; waited < 50 && burned < 0.3; waited++) {
      await sleep(100);
      burned = finishedChildrenCpuSeconds()! - before;
    }
    expect(burned).toBeGreaterThan(0.3);
  });

  test('--busy takes a whole number of processes, and names the rule otherwise', () => {
    expect(busyOption(undefined, 'bench:x')).toBe(0);
    expect(busyOption('2', 'bench:x')).toBe(2);
    for (const given of ['-1', '1.5', 'two']) {
      const result = spawnSync(process.execPath, [
        '--import', 'tsx', '-e',
        `import('${new URL('../../bench/measure.ts', import.meta.url).pathname}').then((m) => m.busyOption(${JSON.stringify(given)}, 'bench:x'))`,
      ], { encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`bench:x: --busy must be a whole number of processes (0 or more), got "${given}"`);
    }
  });
});
