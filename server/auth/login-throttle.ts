import type { SharedHits } from '../cluster/counters.ts';

/**
 * Failed logins counted per account, per address, and per account-and-address, in a sliding
 * window. A whole office behind one NAT shares an address: one person's typos (or a guesser
 * aiming at one account) must not lock the others out, so the tight limit is on the pair, the
 * address limit is generous, and failures spread over many addresses only slow the account down
 * (a delay), never lock its owner out. Keys use the name as typed, so an unknown user and a wrong
 * password are throttled alike. LoginThrottle keeps them in memory (SQLite: one process; a restart
 * forgets them); SharedLoginThrottle in the database, so every process on PostgreSQL counts the
 * same failures. Both decide with `verdictOf`, and both do the same work for an unknown user and
 * a wrong password, so neither the answer nor its timing tells them apart.
 */
export interface ThrottleLimits {
  windowMs: number;
  perPair: number;
  perAddress: number;
  perAccount: number;
  /** Added to each attempt on an account past `perAccount` failures. */
  accountDelayMs: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  windowMs: 15 * 60_000,
  perPair: 5,
  perAddress: 50,
  perAccount: 20,
  accountDelayMs: 2_000,
};

/** Above this many keys the oldest are dropped first, so a flood of names cannot exhaust memory. */
const MAX_KEYS = 50_000;

export type Verdict = { allowed: true; delayMs: number } | { allowed: false; retryAfterS: number };

/** What the login routes need of a throttle, in memory or shared. */
export interface LoginLimiter {
  check(account: string, address: string): Verdict | Promise<Verdict>;
  failed(account: string, address: string): void | Promise<void>;
  /** The right password from this address: its own typos are forgiven, the others' are not. */
  succeeded(account: string, address: string): void | Promise<void>;
}

/** The pair's, the address's and the account's keys; the name as typed, case and spaces aside. */
export function throttleKeys(account: string, address: string): [string, string, string] {
  const name = account.trim().toLowerCase();
  return [`p\0${name}\0${address}`, `a\0${address}`, `u\0${name}`];
}

/** The verdict from each key's failures within the window (oldest first) at `now`. */
export function verdictOf(limits: ThrottleLimits, [pair, byAddress, byAccount]: number[][], now: number): Verdict {
  const wait = (list: number[], limit: number) => (list.length < limit ? 0 : list[list.length - limit]! + limits.windowMs - now);
  const longest = Math.max(wait(pair!, limits.perPair), wait(byAddress!, limits.perAddress));
  if (longest > 0) return { allowed: false, retryAfterS: Math.ceil(longest / 1000) };
  return { allowed: true, delayMs: byAccount!.length >= limits.perAccount ? limits.accountDelayMs : 0 };
}

export class LoginThrottle implements LoginLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #keep: number;

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    // Monotonic: with the wall clock set back, failures would sit "in the future" and lock for that long.
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#keep = Math.max(limits.perPair, limits.perAddress, limits.perAccount);
  }

  /** Whether this attempt may be checked at all, and how long to hold its answer. */
  check(account: string, address: string): Verdict {
    return verdictOf(this.limits, this.#keys(account, address).map((key) => this.#recent(key)), this.now());
  }

  failed(account: string, address: string): void {
    for (const key of this.#keys(account, address)) {
      const list = this.#recent(key);
      list.push(this.now());
      // Only the newest `limit` failures decide anything: older ones need not be kept.
      if (list.length > this.#keep) list.splice(0, list.length - this.#keep);
      this.#failures.delete(key); // re-inserted last: Map order is then oldest-touched first
      this.#failures.set(key, list);
    }
    while (this.#failures.size > MAX_KEYS) this.#failures.delete(this.#failures.keys().next().value!);
  }

  /** The right password from this address: its own typos are forgiven, the others' are not. */
  succeeded(account: string, address: string): void {
    this.#failures.delete(this.#keys(account, address)[0]);
  }

  #keys(account: string, address: string): [string, string, string] {
    return throttleKeys(account, address);
  }

  #recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    const list = (this.#failures.get(key) ?? []).filter((at) => at > since);
    if (list.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, list);
    return list;
  }
}

/**
 * The same throttle kept in the database (RateHit rows, see server/cluster/counters.ts): with two
 * processes behind a proxy the 11th wrong password is refused whichever process gets it.
 */
export class SharedLoginThrottle implements LoginLimiter {
  constructor(
    private readonly hits: SharedHits,
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
  ) {}

  async check(account: string, address: string): Promise<Verdict> {
    const keys = throttleKeys(account, address);
    const { now, times } = await this.hits.recent(keys, this.limits.windowMs);
    return verdictOf(this.limits, keys.map((key) => times.get(key)!), now);
  }

  async failed(account: string, address: string): Promise<void> {
    await this.hits.add(throttleKeys(account, address), this.limits.windowMs);
  }

  async succeeded(account: string, address: string): Promise<void> {
    await this.hits.clear([throttleKeys(account, address)[0]]);
  }
}
