/**
 * Spaces backlog sends: numbers that burst dozens of messages after a reconnect get banned.
 * Each slot is one interval (60 s / rate) after the previous, give or take `jitter`, so the
 * pattern does not look machine-made. The first send after a quiet period goes at once.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/**
 * Monotonic (performance.now), not the wall clock: a clock set back an hour would otherwise put
 * the next slot an hour away and hold the whole backlog that long (test/faults-clock.test.ts).
 */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export function createThrottle(ratePerMinute: number, clock: Clock, jitter = 0.25) {
  const interval = 60_000 / ratePerMinute;
  let nextSlot = 0;
  return async function waitForSlot(): Promise<void> {
    const now = clock.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval * (1 + jitter * (clock.random() * 2 - 1));
    if (slot > now) await clock.sleep(slot - now);
  };
}
