import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, type TestApp } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/postgres.ts';

// Two service processes on one PostgreSQL, as two apps in this test process, each with its own
// DATA_DIR: the simulator must still be one phone, its record and state in the shared database.
const open: TestApp[] = [];
afterEach(async () => {
  for (const each of open.splice(0).reverse()) await each.close();
});

async function twoProcesses(env: Record<string, string> = {}) {
  const shared = { DATABASE_URL: await freshDatabase(), LEASE_TTL_MS: '20000', SEND_TIMEOUT_MS: '1500', ...env };
  const holder = await buildTestApp(shared);
  open.push(holder);
  const other = await buildTestApp(shared);
  open.push(other);
  expect(holder.app.puente.lease.held()).toBe(true);
  expect(other.app.puente.lease.held()).toBe(false);
  return { holder, other };
}

const api = (t: TestApp, url: string, payload?: unknown) =>
  t.app.inject({ method: payload === undefined ? 'GET' : 'POST', url, headers: t.admin, payload: payload as object });
const reply = (t: TestApp, ticketId: number, mensaje: string) => api(t, `/ticket/${ticketId}/enviar-mensaje`, { mensaje });
const linkState = async (t: TestApp) => (await api(t, '/api/whatsapp/status')).json().state;

describe('the simulator as one phone under several processes (PostgreSQL)', () => {
  it('GET /api/simulator/sent answers the same on every process: what the holder delivered, once', async () => {
    const { holder, other } = await twoProcesses();
    const ticket = await createTicket(other, { phone: '+5214771120001' });
    expect((await reply(other, ticket.id, 'desde el otro proceso')).statusCode).toBe(200);
    expect((await reply(holder, ticket.id, 'desde el titular')).statusCode).toBe(200);
    const seen = [(await api(holder, '/api/simulator/sent')).json(), (await api(other, '/api/simulator/sent')).json()];
    expect(seen[0].map((s: { body: string }) => s.body)).toEqual(['desde el otro proceso', 'desde el titular']);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[0][0]).toMatchObject({ to: '+5214771120001', id: expect.stringMatching(/^sim-/), at: expect.any(String) });
  });

  it('POST /api/simulator/connection on the process without the link changes the one phone: the holder’s driver sees it', async () => {
    const { holder, other } = await twoProcesses();
    const ticket = await createTicket(other, { phone: '+5214771120002' });
    expect((await api(other, '/api/simulator/connection', { state: 'disconnected' })).statusCode).toBe(200);
    await eventually(() => holder.simulator.state().state === 'disconnected');
    expect(await linkState(holder)).toBe('disconnected');
    await eventually(async () => (await linkState(other)) === 'disconnected');
    expect((await reply(holder, ticket.id, 'uno')).statusCode).toBe(503);
    expect((await reply(other, ticket.id, 'dos')).statusCode).toBe(503);
    expect(await holder.simulator.sent()).toEqual([]);
    // Back, again through the other process: the backlog goes out in order.
    expect((await api(other, '/api/simulator/connection', { state: 'ready' })).statusCode).toBe(200);
    await eventually(async () => (await holder.simulator.sent()).length === 2);
    expect((await holder.simulator.sent()).map((s) => s.body)).toEqual(['uno', 'dos']);
  });

  it('POST /api/simulator/numbers on the other process reaches the holder: a reply to that number fails 422', async () => {
    const { holder, other } = await twoProcesses();
    const ticket = await createTicket(holder, { phone: '+5214771120003' });
    expect((await api(other, '/api/simulator/numbers', { phone: ticket.phone, whatsapp: false })).statusCode).toBe(200);
    await eventually(async () => {
      // The word reaches the holder asynchronously; until then a reply may still go out.
      const response = await reply(holder, ticket.id, `¿sin WhatsApp? ${Date.now()}`);
      return response.statusCode === 422;
    });
    // And back through the other process: the number reaches WhatsApp again.
    expect((await api(other, '/api/simulator/numbers', { phone: ticket.phone, whatsapp: true })).statusCode).toBe(200);
    await eventually(async () => (await reply(holder, ticket.id, `de nuevo ${Date.now()}`)).statusCode === 200);
  });

  it('a takeover finds the phone as it was: disconnected stays disconnected on the new holder', async () => {
    const { holder, other } = await twoProcesses({ LEASE_TTL_MS: '600' });
    await holder.simulator.setMode('disconnected');
    await holder.close();
    open.splice(open.indexOf(holder), 1);
    await eventually(async () => (await api(other, '/api/whatsapp/status')).json().titular === true, 5_000);
    await other.app.puente.lease.settled();
    // The lease can change hands before the new holder's driver has finished starting.
    await eventually(() => other.simulator.state().state !== 'starting', 5_000);
    expect(other.simulator.state().state).toBe('disconnected');
    expect(await linkState(other)).toBe('disconnected');
  });
});
