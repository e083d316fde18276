import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, type TestApp } from '../../test/support/app.ts';
import { callers } from '../../test/support/auth.ts';
import { freshDatabase } from '../../test/support/postgres.ts';
import { leaseStore } from '../cluster/lease-store.ts';

// Two service processes on one PostgreSQL, as two apps in this test process: the operator's
// console may be served by either, and linking or unlinking must work through both.
const open: TestApp[] = [];
afterEach(async () => {
  for (const each of open.splice(0).reverse()) await each.close();
});

async function twoProcesses() {
  const env = { DATABASE_URL: await freshDatabase(), LEASE_TTL_MS: '20000' };
  const holder = await buildTestApp(env);
  open.push(holder);
  const other = await buildTestApp(env);
  open.push(other);
  expect(other.app.puente.lease.held()).toBe(false);
  return { holder, other };
}

const post = (t: TestApp, url: string) => t.app.inject({ method: 'POST', url, headers: t.admin });
const status = async (t: TestApp) => (await t.app.inject({ url: '/api/whatsapp/status', headers: t.admin })).json();

describe('link and unlink asked of the process that does not hold the link', () => {
  it('POST /api/whatsapp/logout there unlinks the number on the holder; POST /api/whatsapp/connect there links it again', async () => {
    const { holder, other } = await twoProcesses();
    const unlinked = await post(other, '/api/whatsapp/logout');
    expect(unlinked.statusCode).toBe(202);
    expect(unlinked.json()).toEqual({ state: 'logged_out' });
    expect(holder.simulator.state().state).toBe('logged_out');
    await eventually(async () => (await status(other)).state === 'logged_out');
    expect(await status(holder)).toMatchObject({ state: 'logged_out', titular: true });
    // The process without the link never opened a driver (a second one would open the same session).
    expect(other.simulator.state().state).toBe('starting');

    const linked = await post(other, '/api/whatsapp/connect');
    expect(linked.statusCode).toBe(202);
    expect(linked.json()).toEqual({ state: 'ready' });
    expect(holder.simulator.state().state).toBe('ready');
    await eventually(async () => (await status(other)).state === 'ready');
    expect(other.simulator.state().state).toBe('starting');
    // Audited once each, by the process that was asked, naming the admin (one database: either reads it).
    const audited = await holder.app.puente.db.prisma.auditEvent.findMany({ where: { action: { in: ['whatsapp_desvinculado', 'whatsapp_vinculado'] } }, orderBy: { id: 'asc' } });
    expect(audited.map((event) => [event.action, event.actor])).toEqual([['whatsapp_desvinculado', 'admin'], ['whatsapp_vinculado', 'admin']]);
  });

  it('403 for a technician there, and the holder stays linked', async () => {
    const { holder, other } = await twoProcesses();
    const { createTechnician, withCookie } = callers(() => other);
    const { cookie } = await createTechnician();
    const refused = await withCookie(cookie, { method: 'POST', url: '/api/whatsapp/logout' });
    expect(refused.statusCode).toBe(403);
    expect(holder.simulator.state().state).toBe('ready');
  });

  it('409 estado_invalido with a Spanish message when the holder does not answer (it died holding an unexpired lease)', { timeout: 40_000 }, async () => {
    const { holder, other } = await twoProcesses();
    // A process that no longer runs holds the lease; the old holder learns it lost the link.
    await leaseStore(holder.app.puente.db).acquire('un-proceso-muerto', 60_000, true);
    await holder.app.puente.lease.tick();
    await holder.app.puente.lease.settled();
    expect(holder.app.puente.lease.held()).toBe(false);
    for (const url of ['/api/whatsapp/logout', '/api/whatsapp/connect']) {
      const response = await post(other, url);
      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({ error: 'estado_invalido', mensaje: expect.stringMatching(/^Ningún proceso del servicio tiene ahora la conexión de WhatsApp/) });
    }
    expect(other.simulator.state().state).toBe('starting');
  });
});
