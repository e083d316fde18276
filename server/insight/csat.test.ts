import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, type TestApp } from '../../test/support/app.ts';
import { pdfText } from '../../test/support/pdf.ts';
import { ratingFrom } from './csat.ts';

let t: TestApp | undefined;
afterEach(() => t?.close());

const PHONE = '+5214772758198';
const TEXT = 'Califica del 1 al 5, por favor.';

async function setup(env: Record<string, string> = { CSAT: 'on', CSAT_TEXTO: TEXT, AUTO_ACK: 'off' }) {
  t = await buildTestApp(env);
  const app = t;
  const as = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.app.inject({ method, url, headers: app.admin, ...(payload ? { payload } : {}) });
  const inbound = async (body: string) => expect((await as('POST', '/api/simulator/inbound', { from: PHONE, body })).json()).toEqual({ outcome: 'filed' });
  const row = (id: number) => app.app.puente.db.prisma.ticket.findUniqueOrThrow({ where: { id } });
  const asked = async () => (await app.simulator.sent()).filter((sent) => sent.body === TEXT);
  return { as, inbound, row, asked };
}

describe('satisfaction survey (CSAT) through the simulator', () => {
  it('asks once when a ticket is resolved; a 1–5 answer becomes its rating, not a new ticket, and reaches the statistics', async () => {
    const { as, inbound, row, asked } = await setup();
    const ticket = await createTicket(t!);
    expect((await as('PATCH', `/api/tickets/${ticket.id}`, { status: 'resolved' })).statusCode).toBe(200);
    await eventually(async () => (await asked()).length === 1);
    // Another change to the same resolution asks nothing more.
    await as('PATCH', `/api/tickets/${ticket.id}`, { priority: 'alta' });

    await inbound(' 4 ');

    expect(await row(ticket.id)).toMatchObject({ status: 'resolved', rating: 4, unread: 0 });
    const listed = (await as('GET', '/api/tickets')).json().tickets;
    expect(listed).toMatchObject([{ id: ticket.id, rating: 4 }]);
    const transcript = await as('GET', `/api/tickets/${ticket.id}/transcripcion.pdf`);
    expect((await pdfText(transcript.rawPayload)).join(' ')).toContain('Valoración del usuario: 4 de 5');
    expect(await t!.app.puente.db.prisma.ticket.count()).toBe(1);
    const stats = (await as('GET', '/api/estadisticas')).json();
    expect(stats).toMatchObject({ valoraciones: 1, satisfaccion_media: 4, por_estado: { resolved: 1 } });
    expect(await asked()).toHaveLength(1);
  });

  it('an answer that is not 1–5 is an ordinary message: the ticket reopens, unrated', async () => {
    const { as, inbound, row, asked } = await setup();
    const ticket = await createTicket(t!);
    await as('PATCH', `/api/tickets/${ticket.id}`, { status: 'resolved' });
    await eventually(async () => (await asked()).length === 1);

    await inbound('7');

    expect(await row(ticket.id)).toMatchObject({ status: 'open', rating: null, unread: 1 });
    // Resolved again: a new resolution, asked again; now a 5 counts.
    await as('PATCH', `/api/tickets/${ticket.id}`, { status: 'resolved' });
    await eventually(async () => (await asked()).length === 2);
    await inbound('5');
    expect(await row(ticket.id)).toMatchObject({ status: 'resolved', rating: 5 });
  });

  it('off by default: nothing is asked and a digit reopens the ticket as before', async () => {
    const { as, inbound, row } = await setup({ AUTO_ACK: 'off' });
    const ticket = await createTicket(t!);
    await as('PATCH', `/api/tickets/${ticket.id}`, { status: 'resolved' });
    await inbound('5');
    expect(await t!.simulator.sent()).toEqual([]);
    expect(await row(ticket.id)).toMatchObject({ status: 'open', rating: null });
  });
});

describe('ratingFrom', () => {
  it('takes 1 to 5 alone, nothing else', () => {
    expect(['1', ' 5 ', '3.', '4!'].map(ratingFrom)).toEqual([1, 5, 3, 4]);
    expect(['0', '6', '45', '5 estrellas', 'cinco', ''].map(ratingFrom)).toEqual([null, null, null, null, null, null]);
  });
});
