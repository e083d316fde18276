import { performance } from 'node:perf_hooks';

/** A wall-clock step smaller than this is NTP slewing or scheduling noise, not a jump. */
const JUMP_MS = 60_000;
/** A detected jump stays in the detail this long (monotonic time), so someone gets to see it. */
const SHOWN_MS = 60 * 60_000;

/**
 * Notices the wall clock jumping: between two checks the wall clock (Date.now) and the monotonic
 * one (performance.now) must advance alike. Timers, backoff, leases and idle sessions that matter
 * run on monotonic time; this only tells an operator that the hour was changed under the service.
 */
export class ClockWatch {
  #wall: number;
  #mono: number;
  #jump: { ms: number; at: string; seenMono: number } | null = null;

  constructor(private readonly now = () => ({ wall: Date.now(), mono: performance.now() })) {
    const start = now();
    this.#wall = start.wall;
    this.#mono = start.mono;
  }

  /** The last jump still worth showing (with its size and when it was seen), or null. */
  check(): { ms: number; at: string } | null {
    const { wall, mono } = this.now();
    const drift = wall - this.#wall - (mono - this.#mono);
    this.#wall = wall;
    this.#mono = mono;
    if (Math.abs(drift) >= JUMP_MS) this.#jump = { ms: drift, at: new Date(wall).toISOString(), seenMono: mono };
    if (this.#jump && mono - this.#jump.seenMono > SHOWN_MS) this.#jump = null;
    return this.#jump && { ms: this.#jump.ms, at: this.#jump.at };
  }
}
