import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.ts';
import { leaseStore } from './lease-store.ts';

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
