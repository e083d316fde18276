import { afterEach, describe, expect, it, vi } from 'vitest';
import { createThrottle, realClock } from './throttle.ts';

afterEach(() => vi.useRealTimers());

describe('createThrottle with the real clock', () => {
  // Only Date is faked: setTimeout and performance.now keep running as they do on a server.
  it('a wall clock set back an hour does not hold the backlog for that hour', { timeout: 10_000 }, async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-01T12:00:00Z') });
    const waitForSlot = createThrottle(600, realClock, 0); // one slot every 100 ms
    await waitForSlot(); // the first goes at once
    vi.setSystemTime(new Date('2026-03-01T11:00:00Z'));
    const started = performance.now();
    await waitForSlot();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('nor does one set forward three hours make it burst: the next slot still waits its interval', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-01T12:00:00Z') });
    const waitForSlot = createThrottle(600, realClock, 0);
    await waitForSlot();
    vi.setSystemTime(new Date('2026-03-01T15:00:00Z'));
    const started = performance.now();
    await waitForSlot();
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });
});
