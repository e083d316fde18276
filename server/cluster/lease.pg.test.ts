import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, type TestApp } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/postgres.ts';
import { openDatabase, type Db } from '../db/database.ts';
import { Lease } from './lease.ts';
import { leaseStore } from './lease-store.ts';

const log = pino({ level: 'silent' });
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const each of open.splice(0).reverse()) await each.close();
});

async function database(): Promise<Db> {
  const db = await openDatabase(await freshDatabase());
  open.push(db);
  return db;
}

/** A lease driven by hand (tick), recording what it was told. */
function lease(db: Db, ttlMs: number) {
  const events: string[] = [];
  const made = new Lease({
    store: leaseStore(db),
    ttlMs,
    log,
    sole: false,
    onAcquired: (generation) => void events.push(`acquired ${generation}`),
    onLost: () => void events.push('lost'),
  });
  return { lease: made, events };
}

describe('the WhatsApp lease on PostgreSQL', () => {
  it('has one holder; another takes it only once it expired, with the next generation, and the old one learns it lost', async () => {
    const db = await database();
    const a = lease(db, 400);
    const b = lease(db, 400);
    await a.lease.tick();
    await b.lease.tick();
    await a.lease.settled();
    expect(a.lease.fence()).toEqual({ holder: a.lease.holder, generation: 1 });
    expect(b.lease.fence()).toBeNull();
    await a.lease.tick(); // a renewal keeps the generation
    expect(a.lease.fence()?.generation).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 450)); // a stops renewing: it died
    expect(a.lease.held()).toBe(false); // by its own clock, before anyone else may send
    await b.lease.tick();
    await b.lease.settled();
    expect(b.lease.fence()).toEqual({ holder: b.lease.holder, generation: 2 });
    await a.lease.tick();
    await a.lease.settled();
    expect(a.events).toEqual(['acquired 1', 'lost']);
    expect(b.events).toEqual(['acquired 2']);
  });

  it('is let go on a clean stop, so the next process need not wait for it to expire', async () => {
    const db = await database();
    const a = lease(db, 60_000);
    const b = lease(db, 60_000);
    await a.lease.tick();
    await a.lease.stop();
    await b.lease.tick();
    expect(b.lease.fence()?.generation).toBe(2);
  });
});

describe('GET /api/whatsapp/status under two processes on one database', () => {
  it('answers on both, titular only on the holder, the holder’s link state on the other; the other takes over when the holder stops', async () => {
    const url = await freshDatabase();
    const env = { DATABASE_URL: url, LEASE_TTL_MS: '600' };
    const first: TestApp = await buildTestApp(env);
    const second: TestApp = await buildTestApp(env);
    open.push(second, first);
    const status = async (t: TestApp) => (await t.app.inject({ url: '/api/whatsapp/status', headers: t.admin })).json();

    expect(await status(first)).toMatchObject({ state: 'ready', titular: true });
    expect(await status(second)).toMatchObject({ state: 'ready', titular: false, driver: 'simulator' });
    // The non-holder never started a driver of its own.
    expect(second.simulator.state().state).toBe('starting');
    // Linking asked of it is done by the holder (server/whatsapp/link-anywhere.pg.test.ts).
    const linked = await second.app.inject({ method: 'POST', url: '/api/whatsapp/connect', headers: second.admin });
    expect(linked.json()).toEqual({ state: 'ready' });
    expect(second.simulator.state().state).toBe('starting');

    await first.close();
    open.splice(open.indexOf(first), 1);
    // Titular first, then its own driver starts: 'starting' in between is the new holder's truth.
    await eventually(async () => {
      expect(await status(second)).toMatchObject({ state: 'ready', titular: true });
      return true;
    }, 10_000);
  });
});
