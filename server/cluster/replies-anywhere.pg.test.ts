import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PuenteEvent } from '../events.ts';
import { buildTestApp, createTicket, eventually, historyRows, type TestApp } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/postgres.ts';

// Two service processes on one PostgreSQL, as two apps in this test process: `holder` holds the
// WhatsApp link (its simulator is the phone), `other` only serves the console and the API.
let holder: TestApp;
let other: TestApp;
beforeAll(async () => {
  const env = { DATABASE_URL: await freshDatabase(), LEASE_TTL_MS: '20000', SEND_TIMEOUT_MS: '1500' };
  holder = await buildTestApp(env);
  other = await buildTestApp(env);
});
afterAll(async () => {
  await other?.close();
  await holder?.close();
});

const reply = (t: TestApp, ticketId: number, mensaje: string) =>
  t.app.inject({ method: 'POST', url: `/ticket/${ticketId}/enviar-mensaje`, headers: t.admin, payload: { mensaje } });

describe('a reply accepted by the process that does not hold the link', () => {
  it('200: the holder sends it, once, and the answer is the holder’s', async () => {
    expect(other.app.puente.lease.held()).toBe(false);
    const ticket = await createTicket(other, { phone: '+5214771110001' });
    const response = await reply(other, ticket.id, 'hola desde el otro proceso');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'enviado', ticket_id: ticket.id });
    expect((await holder.simulator.sent()).filter((s) => s.to === '+5214771110001').map((s) => s.body)).toEqual(['hola desde el otro proceso']);
    // One phone: both processes read the same record; only the holder's driver ever connected.
    expect(await other.simulator.sent()).toEqual(await holder.simulator.sent());
    expect(other.simulator.state().state).toBe('starting');
  });

  it('503 while the holder’s WhatsApp is down: kept queued, sent in order once it is back', async () => {
    const ticket = await createTicket(other, { phone: '+5214771110002' });
    holder.simulator.setMode('disconnected');
    await eventually(async () => (await other.app.inject({ url: '/api/whatsapp/status', headers: other.admin })).json().state === 'disconnected');
    for (const text of ['uno', 'dos', 'tres']) expect((await reply(other, ticket.id, text)).statusCode).toBe(503);
    expect((await reply(holder, ticket.id, 'cuatro')).statusCode).toBe(503);
    holder.simulator.setMode('ready');
    await eventually(async () => (await holder.simulator.sent()).filter((s) => s.to === '+5214771110002').length === 4);
    expect((await holder.simulator.sent()).filter((s) => s.to === '+5214771110002').map((s) => s.body)).toEqual(['uno', 'dos', 'tres', 'cuatro']);
    const rows = (await historyRows(other, ticket.id)).filter((r) => r.role === 'tecnico');
    await eventually(async () => (await historyRows(other, ticket.id)).every((r) => r.role !== 'tecnico' || r.delivery !== 'queued'));
    expect(rows).toHaveLength(4);
  });

  it('504 when the holder’s WhatsApp never answers: the message arrived once and is not sent again', async () => {
    const ticket = await createTicket(other, { phone: '+5214771110003' });
    holder.simulator.setMode('unresponsive');
    const response = await reply(other, ticket.id, 'sin respuesta');
    expect(response.statusCode).toBe(504);
    holder.simulator.setMode('ready');
    await eventually(async () => (await historyRows(holder, ticket.id)).find((r) => r.role === 'tecnico')?.delivery === 'sent', 15_000);
    expect((await holder.simulator.sent()).filter((s) => s.to === '+5214771110003')).toHaveLength(1);
  });
});

describe('live updates across processes', () => {
  it('a console connected to the other process hears of a message the holder filed and of its delivery', async () => {
    const heard: PuenteEvent[] = [];
    // What the live hub (GET /api/live) subscribes each console socket to.
    const stop = other.app.puente.events.subscribe((event) => void heard.push(event), { everywhere: true });
    try {
      const ticket = await createTicket(holder, { phone: '+5214771110004' });
      await holder.simulator.receive({ from: '+5214771110004', body: 'llegó por WhatsApp' });
      expect((await reply(holder, ticket.id, 'ñ😀'.repeat(1400))).statusCode).toBe(200);
      await eventually(() => heard.some((e) => e.type === 'delivery' && e.ticketId === ticket.id && e.delivery === 'sent'));
      const messages = heard.filter((e) => e.type === 'message' && e.ticketId === ticket.id);
      expect(messages.map((e) => (e.type === 'message' ? e.entry.role : ''))).toEqual(['user', 'tecnico']);
      // The large reply (over NOTIFY's 8000 bytes) went by reference and was read back whole.
      expect(messages[1].type === 'message' && messages[1].entry.content === 'ñ😀'.repeat(1400)).toBe(true);
      expect(heard.some((e) => e.type === 'ticket' && e.ticket.id === ticket.id)).toBe(true);
    } finally {
      stop();
    }
  });
});
