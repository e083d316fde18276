import type { Clock } from '../../server/delivery/throttle.ts';

/** The outbox's pacing clock, stopped: its sleeps are recorded and held until released. */
export function heldClock(): Clock & { sleeps: number[]; release(): void } {
  const waiting: (() => void)[] = [];
  let released = false;
  return {
    sleeps: [] as number[],
    now: () => 1_000_000,
    random: () => 0.5,
    sleep(ms) {
      this.sleeps.push(ms);
      return released ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      released = true;
      for (const resume of waiting.splice(0)) resume();
    },
  };
}
