import { describe, expect, it } from 'vitest';
import { CachedVersions, type Counter, type Versions } from './versions.ts';

/** A stored side that counts its lookups and whose values the test moves. */
function fakeStore() {
  const values = new Map<string, number>([['tickets', 1], ['link', 1], ['t1', 1], ['t2', 1]]);
  const lookups: string[] = [];
  let hold: Promise<void> | null = null;
  const read = async (key: string) => {
    lookups.push(key);
    const value = values.get(key) ?? null;
    await hold;
    return value;
  };
  const store: Versions = { counter: async (name: Counter) => (await read(name)) ?? 0, history: (id) => read(`t${id}`), shared: (_key, fn) => fn() };
  return { store, values, lookups, holdUntil: (p: Promise<void>) => (hold = p) };
}

function setup(maxAgeMs = 2000) {
  const fake = fakeStore();
  const clock = { now: 0, live: true };
  const versions = new CachedVersions(fake.store, { live: () => clock.live, maxAgeMs, now: () => clock.now });
  return { ...fake, clock, versions };
}

describe('versions remembered in memory (PostgreSQL 304s)', () => {
  it('answers from memory within the bound and reads again once it has passed, so an unannounced change shows at most maxAgeMs late', async () => {
    const { versions, values, lookups, clock } = setup(2000);
    expect(await versions.counter('tickets')).toBe(1);
    values.set('tickets', 2); // a write no event announced
    clock.now = 1999;
    expect(await versions.counter('tickets')).toBe(1);
    expect(lookups).toEqual(['tickets']);
    clock.now = 2000;
    expect(await versions.counter('tickets')).toBe(2);
    expect(lookups).toEqual(['tickets', 'tickets']);
  });

  it('an announced change is read again at once: the counters and that ticket, not the other tickets', async () => {
    const { versions, values, lookups } = setup();
    for (const read of [() => versions.counter('tickets'), () => versions.counter('link'), () => versions.history(1), () => versions.history(2)]) await read();
    values.set('t1', 5);
    values.set('tickets', 5);
    versions.changed(1);
    expect(await versions.history(1)).toBe(5);
    expect(await versions.counter('tickets')).toBe(5);
    await versions.counter('link');
    expect(await versions.history(2)).toBe(1);
    expect(lookups.slice(4)).toEqual(['t1', 'tickets', 'link']);
  });

  it('while the listener is not connected every read goes to the database, and nothing read then is kept', async () => {
    const { versions, lookups, clock } = setup();
    clock.live = false;
    await versions.history(1);
    await versions.history(1);
    expect(lookups).toEqual(['t1', 't1']);
    clock.live = true;
    versions.reset(); // the relay reconnected: what it missed is unknown
    await versions.history(1);
    await versions.history(1);
    expect(lookups).toEqual(['t1', 't1', 't1']);
  });

  it('a read that races with an announced change is not remembered (it may hold the old value)', async () => {
    const { versions, values, lookups, holdUntil } = setup();
    let release!: () => void;
    holdUntil(new Promise<void>((resolve) => (release = resolve)));
    const racing = versions.history(1); // read the old value, answer still on its way
    values.set('t1', 2);
    versions.changed(1);
    release();
    expect(await racing).toBe(1);
    expect(await versions.history(1)).toBe(2);
    expect(lookups).toEqual(['t1', 't1']);
  });

  it('polls arriving together share one lookup; a missing ticket is never remembered', async () => {
    const { versions, lookups } = setup();
    expect(await Promise.all([versions.history(2), versions.history(2), versions.history(2)])).toEqual([1, 1, 1]);
    expect(lookups).toEqual(['t2']);
    expect(await versions.history(9)).toBeNull();
    expect(await versions.history(9)).toBeNull();
    expect(lookups).toEqual(['t2', 't9', 't9']);
  });

  it('another small read (the lease row) is remembered the same way and forgotten by any announced change', async () => {
    const { versions } = setup();
    let reads = 0;
    const lease = () => versions.shared('lease', async () => ++reads);
    expect([await lease(), await lease()]).toEqual([1, 1]);
    versions.changed(null);
    expect(await lease()).toBe(2);
  });
});
