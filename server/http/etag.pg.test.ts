import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, type TestApp } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/postgres.ts';

// Two service processes on one PostgreSQL (two apps in this test process): the stored versions
// live in the database, so a change made through one is a new ETag on the other.
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  const env = { DATABASE_URL: await freshDatabase(), LEASE_TTL_MS: '20000' };
  a = await buildTestApp(env);
  b = await buildTestApp(env);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const get = (t: TestApp, url: string, etag?: string) =>
  t.app.inject({ method: 'GET', url, headers: { ...t.admin, ...(etag ? { 'if-none-match': etag } : {}) } });

async function versionOn(t: TestApp, url: string): Promise<string> {
  const first = await get(t, url);
  expect(first.statusCode).toBe(200);
  const etag = String(first.headers.etag);
  expect((await get(t, url, etag)).statusCode).toBe(304);
  return etag;
}

describe('conditional GET across processes on PostgreSQL', () => {
  it('a change made on A is a new ETag on B, for the list, the conversation and the link status', async () => {
    const ticket = await createTicket(a);
    const conversation = `/ticket/${ticket.id}/conversacion`;
    const list = await versionOn(b, '/api/tickets');
    const history = await versionOn(b, conversation);
    // Same stored version, same view: both processes name it alike.
    expect(await versionOn(a, conversation)).toBe(history);

    const patched = await a.app.inject({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, headers: a.admin, payload: { status: 'on_hold' } });
    expect(patched.statusCode).toBe(200);
    const listed = await get(b, '/api/tickets', list);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().tickets.find((row: { id: number }) => row.id === ticket.id).status).toBe('on_hold');
    // The status change wrote a history line? Either way, a note on A is a new version on B.
    const before = await versionOn(b, `${conversation}?notas=1`);
    const note = await a.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/nota`, headers: a.admin, payload: { texto: 'desde A' } });
    expect(note.statusCode).toBe(201);
    const noted = await get(b, `${conversation}?notas=1`, before);
    expect(noted.statusCode).toBe(200);
    expect(noted.json().historial.at(-1)).toMatchObject({ role: 'nota', content: 'desde A' });

    // The link: whichever process holds it, a reply waiting in the queue is a new status version on both.
    const holder = a.app.puente.lease.held() ? a : b;
    holder.simulator.setMode('disconnected');
    await eventually(async () => (await get(a, '/api/whatsapp/status')).json().state === 'disconnected' && (await get(b, '/api/whatsapp/status')).json().state === 'disconnected');
    const status = await versionOn(b, '/api/whatsapp/status');
    const reply = await a.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, headers: a.admin, payload: { mensaje: 'en cola' } });
    expect(reply.statusCode).toBe(503);
    const queued = await get(b, '/api/whatsapp/status', status);
    expect(queued.statusCode).toBe(200);
    expect(queued.json().queued).toBe(1);
    holder.simulator.setMode('ready');
  });
});
