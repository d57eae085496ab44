/** Refusal pacing: at once within the rate, then first come first served at the rate, never past the longest wait. */
import { describe, expect, test } from '@jest/globals';
import { RefusalPacer } from '../src/refusal-pacing.js';

/** Resolves to the ms after `started` at which each refusal was answered. */
function answeredAt(turns: ReturnType<RefusalPacer['turn']>[], started: number): Promise<number[]> {
  return Promise.all(turns.map(async (turn) => {
    if (typeof turn !== 'string') await turn;
    return performance.now() - started;
  }));
}

describe('RefusalPacer', () => {
  test('within the burst (a tenth of a second of the rate) every refusal is answered at once', () => {
    const pacer = new RefusalPacer({ ratePerS: 100, maxWaitMs: 2_000 });
    expect(Array.from({ length: 10 }, () => pacer.turn())).toEqual(Array(10).fill('now'));
    expect(pacer.waitingCount).toBe(0);
  });

  test('beyond it refusals wait, and are answered in arrival order at about the rate', async () => {
    const pacer = new RefusalPacer({ ratePerS: 50, maxWaitMs: 5_000 });
    const started = performance.now();
    const turns = Array.from({ length: 15 }, () => pacer.turn());
    expect(turns.slice(0, 5)).toEqual(Array(5).fill('now')); // burst: 50 x 0.1 s
    expect(turns.slice(5).every((t) => t instanceof Promise)).toBe(true);
    expect(pacer.waitingCount).toBe(10);
    const order: number[] = [];
    turns.slice(5).forEach((t, i) => void (t as Promise<void>).then(() => order.push(i)));
    const times = await answeredAt(turns, started);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // 10 more at 50/s take about 200 ms; a busy machine may be late, never early.
    expect(times[14]).toBeGreaterThanOrEqual(150);
    expect(times[14]).toBeLessThan(2_000);
    expect(pacer.waitingCount).toBe(0);
  });

  test('a refusal never waits much longer than the longest wait, whatever the rate', async () => {
    const pacer = new RefusalPacer({ ratePerS: 10, maxWaitMs: 300 });
    const started = performance.now();
    const turns = Array.from({ length: 30 }, () => pacer.turn()); // 1 at once, 29 would take 2.9 s at the rate
    const times = await answeredAt(turns, started);
    expect(Math.max(...times)).toBeGreaterThanOrEqual(290);
    expect(Math.max(...times)).toBeLessThan(1_500);
  });

  test('a rate of 0 answers every refusal at once', () => {
    const pacer = new RefusalPacer({ ratePerS: 0, maxWaitMs: 2_000 });
    expect(Array.from({ length: 1_000 }, () => pacer.turn()).every((t) => t === 'now')).toBe(true);
  });

  test('beyond 10,000 waiting, refusals are answered at once and close their connection', async () => {
    const pacer = new RefusalPacer({ ratePerS: 10, maxWaitMs: 100 });
    const turns = Array.from({ length: 10_003 }, () => pacer.turn());
    expect(turns[0]).toBe('now');
    expect(pacer.waitingCount).toBe(10_000);
    expect(turns.slice(-2)).toEqual(['close', 'close']);
    await Promise.all(turns.filter((t) => t instanceof Promise));
    expect(pacer.waitingCount).toBe(0);
  });
});
