import { spawnSync } from 'node:child_process';
import { finishedChildrenCpuSeconds, parseBusy, startBackgroundLoad } from '../../bench/measure.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Burns `seconds` of CPU (its own user + system time, whatever the machine's load) in a child process and waits for it. */
function burnInChild(seconds: number): void {
  const script = `const used = () => { const { user, system } = process.cpuUsage(); return user + system; }; while (used() < ${seconds * 1e6}) {}`;
  expect(spawnSync(process.execPath, ['-e', script]).status).toBe(0);
}

describe('bench measurements', () => {
  test("a finished child's CPU time is counted", () => {
    const before = finishedChildrenCpuSeconds();
    expect(before).toBeDefined();
    burnInChild(0.5);
    const after = finishedChildrenCpuSeconds()!;
    // /proc counts whole clock ticks (10 ms).
    expect(after - before!).toBeGreaterThan(0.45);
    expect(after - before!).toBeLessThan(5);
  });

  test('--busy starts processes that keep a core busy, and stops them', async () => {
    const before = finishedChildrenCpuSeconds()!;
    const started = process.cpuUsage();
    const stop = startBackgroundLoad(1);
    // Two seconds: a third of a core on a loaded CI machine still burns well past the bar below.
    await sleep(2000);
    stop();
    // This process only waited: the CPU time is the stopped child's, counted once it is reaped.
    const own = process.cpuUsage(started);
    expect((own.user + own.system) / 1e6).toBeLessThan(0.5);
    let burned = 0;
    for (let waited = 0; waited < 50 && burned < 0.3; waited++) {
      await sleep(100);
      burned = finishedChildrenCpuSeconds()! - before;
    }
    // A process that only started and waited would have used under 0.1 s.
    expect(burned).toBeGreaterThan(0.25);
  });

  test('--busy takes a whole number of processes, and names the rule otherwise', () => {
    expect(parseBusy(undefined)).toBe(0);
    expect(parseBusy('2')).toBe(2);
    for (const given of ['-1', '1.5', 'two']) {
      expect(() => parseBusy(given)).toThrow(`--busy must be a whole number of processes (0 or more), got "${given}"`);
    }
  });
});
