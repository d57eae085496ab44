import { spawnSync } from 'node:child_process';
import { BUSY_LOOP, finishedChildrenCpuSeconds, parseBusy, startBackgroundLoad } from '../../bench/measure.js';

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

  test('a busy loop ends once the process that started it is gone (a benchmark stopped by Ctrl-C or killed)', async () => {
    // The shell starts the loop, prints its pid and exits: the loop is orphaned, as if its benchmark died.
    const started = spawnSync('sh', ['-c', 'node -e "$BUSY_LOOP" $$ >/dev/null 2>&1 & echo $!'], {
      encoding: 'utf8',
      env: { ...process.env, BUSY_LOOP },
      timeout: 10_000,
    });
    const pid = Number(started.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let waited = 0; waited < 100 && alive(); waited++) await sleep(100);
    if (alive()) process.kill(pid, 'SIGKILL');
    expect(alive()).toBe(false);
  }, 30_000);

  test('--busy takes a whole number of processes, and names the rule otherwise', () => {
    expect(parseBusy(undefined)).toBe(0);
    expect(parseBusy('2')).toBe(2);
    for (const given of ['-1', '1.5', 'two']) {
      expect(() => parseBusy(given)).toThrow(`--busy must be a whole number of processes (0 or more), got "${given}"`);
    }
  });
});
