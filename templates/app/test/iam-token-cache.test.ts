import { describe, expect, test } from '@jest/globals';
import { IamTokenCache } from '../src/iam-token-cache.js';

const MIN = 60_000;

function setup(options: { fail?: () => boolean } = {}) {
  let now = 0;
  let n = 0;
  const pending: (() => void)[] = [];
  const errors: unknown[] = [];
  const cache = new IamTokenCache({
    now: () => now,
    onRefreshError: (e) => errors.push(e),
    sign: () =>
      new Promise((resolve, reject) => {
        pending.push(() => (options.fail?.() ? reject(new Error('no credentials')) : resolve(`token-${++n}`)));
      }),
  });
  const settle = async () => {
    while (pending.length) pending.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { cache, advance: (ms: number) => (now += ms), settle, pending, errors };
}

describe('IamTokenCache', () => {
  test('concurrent callers share one signing call', async () => {
    const { cache, settle, pending } = setup();
    const all = Promise.all(Array.from({ length: 20 }, () => cache.getToken()));
    expect(pending).toHaveLength(1);
    await settle();
    expect(new Set(await all)).toEqual(new Set(['token-1']));
    expect(cache.signatures).toBe(1);
  });

  test('reuses the token for 10 minutes', async () => {
    const { cache, settle, advance, pending } = setup();
    const first = cache.getToken();
    await settle();
    await first;
    advance(10 * MIN - 1);
    await expect(cache.getToken()).resolves.toBe('token-1');
    expect(pending).toHaveLength(0);
  });

  test('after 10 minutes serves the still-valid token and refreshes once in the background', async () => {
    const { cache, settle, advance, pending } = setup();
    const first = cache.getToken();
    await settle();
    await first;
    advance(10 * MIN);
    await expect(cache.getToken()).resolves.toBe('token-1');
    await expect(cache.getToken()).resolves.toBe('token-1');
    expect(pending).toHaveLength(1); // one refresh in flight, not two
    await settle();
    await expect(cache.getToken()).resolves.toBe('token-2');
    expect(cache.signatures).toBe(2);
  });

  test('never hands out a token within 2 minutes of its expiry: callers wait for a new one', async () => {
    const { cache, settle, advance } = setup();
    const first = cache.getToken();
    await settle();
    await first;
    advance(13 * MIN);
    const next = cache.getToken();
    await settle();
    await expect(next).resolves.toBe('token-2');
  });

  test('a failed background refresh keeps serving the valid token; a failed required refresh rejects and is retried', async () => {
    let failing = false;
    const { cache, settle, advance, errors } = setup({ fail: () => failing });
    const first = cache.getToken();
    await settle();
    await first;
    failing = true;
    advance(11 * MIN);
    await expect(cache.getToken()).resolves.toBe('token-1');
    await settle();
    expect(errors).toHaveLength(1);
    advance(3 * MIN);
    const required = cache.getToken();
    await settle();
    await expect(required).rejects.toThrow('no credentials');
    failing = false;
    const retried = cache.getToken();
    await settle();
    await expect(retried).resolves.toBe('token-2');
  });
});
