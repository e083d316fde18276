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

export const realClock: Clock = {
  now: () => Date.now(),
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
