import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.ts';
import { Lease } from './lease.ts';
import { leaseStore, type LeaseStore } from './lease-store.ts';

const open: TestApp[] = [];
afterEach(async () => {
  for (const each of open.splice(0)) await each.close();
});

describe('the WhatsApp lease on SQLite (one process per file)', () => {
  it('is held by the single process, even when a crashed run left it unexpired', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-lease-'));
    const crashed = await buildTestApp({}, { dataDir });
    // A run that died holding a lease for an hour: the next start must not wait for it.
    await leaseStore(crashed.app.puente.db).acquire('a-dead-process', 3_600_000, true);
    await crashed.app.close();

    const restarted = await buildTestApp({}, { dataDir });
    open.push(restarted);
    const status = await restarted.app.inject({ url: '/api/whatsapp/status', headers: restarted.admin });
    expect(status.json()).toMatchObject({ state: 'ready', titular: true });
    expect(restarted.app.puente.lease.fence()).toEqual({ holder: restarted.app.puente.lease.holder, generation: 3 });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('how long a holder trusts its lease (several processes)', () => {
  const silent = pino({ level: 'silent' });
  /** A database that grants generation 7 once, then never answers again (cut off). */
  const grantsOnceThenHangs = () => {
    let calls = 0;
    return {
      acquire: () => (calls++ === 0 ? Promise.resolve(7) : new Promise<number>(() => undefined)),
      release: () => Promise.resolve(),
    } as unknown as LeaseStore;
  };
  afterEach(() => vi.useRealTimers());

  it('keeps the lease when the wall clock jumps hours forward (NTP, a faked clock): validity runs on a monotonic clock', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const onLost = vi.fn();
    const lease = new Lease({ store: grantsOnceThenHangs(), ttlMs: 60_000, sole: false, log: silent, onAcquired: () => undefined, onLost });
    await lease.start();
    vi.setSystemTime(Date.now() + 3 * 60 * 60_000);
    expect(lease.fence()).toEqual({ holder: lease.holder, generation: 7 });
    expect(onLost).not.toHaveBeenCalled();
    await lease.stop();
  });

  it('still stops trusting it TTL after the last renewal began when the database no longer answers', async () => {
    const lease = new Lease({ store: grantsOnceThenHangs(), ttlMs: 300, sole: false, log: silent, onAcquired: () => undefined, onLost: () => undefined });
    await lease.start();
    expect(lease.held()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(lease.fence()).toBeNull();
  });
});
