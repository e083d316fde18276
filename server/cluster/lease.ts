import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Fence, LeaseStore } from './lease-store.ts';

export type { Fence };

export interface LeaseOptions {
  store: LeaseStore;
  ttlMs: number;
  log: Logger;
  /**
   * One process per database (SQLite): the lease is taken at start whoever held it last (a
   * crashed run), never renewed, and never lost.
   */
  sole: boolean;
  /** This process now holds the link: start the driver and the delivery loop. */
  onAcquired: (generation: number) => Promise<void> | void;
  /** Each renewal while held (not the first take). */
  onRenewed?: () => void;
  /** This process no longer holds it (taken, expired, fenced): stop sending at once. */
  onLost: () => Promise<void> | void;
}

/**
 * The WhatsApp lease of this process. Every process tries to take it every TTL/3: the holder
 * renews it, the others take it once it has expired (the holder died or cannot reach the
 * database), so a takeover happens within TTL + TTL/3. A holder counts its lease as valid only
 * until TTL after its last successful renewal began, by its own clock: a holder cut off from
 * the database stops before anyone else may start. That clock is monotonic: a wall clock set
 * forward (NTP, an operator) must not make a healthy holder drop the link and restart WhatsApp.
 */
export class Lease {
  readonly holder = randomUUID();
  #generation: number | null = null;
  #validUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | null = null;
  #stopped = false;
  /** Serialises onAcquired/onLost, so a quick loss never overtakes the start it follows. */
  #transitions: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaseOptions) {}

  /** Tries once (so a lone process holds the link before it serves), then keeps trying. */
  async start(): Promise<void> {
    await this.tick();
    if (this.options.sole || this.#stopped) return;
    this.#timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.options.ttlMs / 3)));
    this.#timer.unref();
  }

  /** The fence a send must carry, or null when this process may not send now. */
  fence(): Fence | null {
    if (this.#generation === null) return null;
    if (!this.options.sole && performance.now() >= this.#validUntil) return null;
    return { holder: this.holder, generation: this.#generation };
  }

  held(): boolean {
    return this.fence() !== null;
  }

  /** One round: renew or take. Overlapping rounds (a slow database) are not started. */
  tick(): Promise<void> {
    if (this.#ticking) return this.#ticking;
    this.#ticking = this.#round().finally(() => (this.#ticking = null));
    return this.#ticking;
  }

  async #round(): Promise<void> {
    if (this.#stopped) return;
    // Past its validity the lease is gone for this process, whatever the database says later.
    if (this.#generation !== null && !this.held()) this.#lose('expired before it could be renewed');
    const startedAt = performance.now();
    let generation: number | null;
    try {
      generation = await this.options.store.acquire(this.holder, this.options.ttlMs, this.options.sole);
    } catch (err) {
      this.options.log.warn({ err }, 'whatsapp lease: database unreachable');
      return;
    }
    if (this.#stopped) return;
    if (generation === null) {
      if (this.#generation !== null) this.#lose('taken by another process');
      return;
    }
    if (this.#generation !== null && this.#generation !== generation) this.#lose('changed hands meanwhile');
    this.#validUntil = startedAt + this.options.ttlMs;
    if (this.#generation === generation) return this.options.onRenewed?.();
    this.#generation = generation;
    this.options.log.info({ holder: this.holder, generation }, 'whatsapp lease acquired');
    this.#transition(() => this.options.onAcquired(generation));
  }

  /** A send was refused by the database's fence: another process holds the link now. */
  fenced(): void {
    if (this.#generation !== null) this.#lose('fenced by the database');
  }

  #lose(why: string) {
    this.options.log.warn({ holder: this.holder, generation: this.#generation, why }, 'whatsapp lease lost');
    this.#generation = null;
    this.#transition(() => this.options.onLost());
  }

  #transition(work: () => Promise<void> | void) {
    this.#transitions = this.#transitions
      .then(work)
      .catch((err) => this.options.log.error({ err }, 'whatsapp lease transition failed'));
  }

  /** Waits for the start or stop of the link that the last change of holder began. */
  settled(): Promise<void> {
    return this.#transitions;
  }

  /** Stops trying; a holder lets the lease go so another process takes over without waiting. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#ticking;
    await this.#transitions;
    const held = this.#generation !== null;
    this.#generation = null;
    if (held && !this.options.sole) await this.options.store.release(this.holder).catch(() => undefined);
  }
}
