/**
 * Failed logins counted per account, per address, and per account-and-address, in a sliding
 * window. A whole office behind one NAT shares an address: one person's typos (or a guesser
 * aiming at one account) must not lock the others out, so the tight limit is on the pair, the
 * address limit is generous, and failures spread over many addresses only slow the account down
 * (a delay), never lock its owner out. Keys use the name as typed, so an unknown user and a wrong
 * password are throttled alike. In memory, per process: a restart forgets the counts.
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

export class LoginThrottle {
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
    const [pair, byAddress, byAccount] = this.#keys(account, address);
    const waits = [this.#wait(pair, this.limits.perPair), this.#wait(byAddress, this.limits.perAddress)];
    const wait = Math.max(...waits);
    if (wait > 0) return { allowed: false, retryAfterS: Math.ceil(wait / 1000) };
    const accountFailures = this.#recent(byAccount).length;
    return { allowed: true, delayMs: accountFailures >= this.limits.perAccount ? this.limits.accountDelayMs : 0 };
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
    const name = account.trim().toLowerCase();
    return [`p\0${name}\0${address}`, `a\0${address}`, `u\0${name}`];
  }

  #recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    const list = (this.#failures.get(key) ?? []).filter((at) => at > since);
    if (list.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, list);
    return list;
  }

  /** Milliseconds until this key is under its limit again (0: it is). */
  #wait(key: string, limit: number): number {
    const list = this.#recent(key);
    if (list.length < limit) return 0;
    return list[list.length - limit] + this.limits.windowMs - this.now();
  }
}
