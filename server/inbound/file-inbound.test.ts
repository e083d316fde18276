import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, historyRows, type TestApp } from '../../test/support/app.ts';
import type { PuenteEvent } from '../events.ts';
import { fileInbound, type IncomingMessage } from './file-inbound.ts';

let t: TestApp;
afterEach(() => t?.close());

const USER = '+5214771234567';
const prisma = () => t.app.puente.db.prisma;
const tickets = () => prisma().ticket.findMany({ orderBy: { id: 'asc' } });

const inbound = (payload: { from?: string; body: string; id?: string; name?: string }) =>
  t.app.inject({ method: 'POST', url: '/api/simulator/inbound', headers: t.admin, payload: { from: USER, ...payload } });

async function write(payload: { from?: string; body: string; id?: string; name?: string }) {
  const response = await inbound(payload);
  expect(response.statusCode).toBe(202);
  return (response.json() as { outcome: string }).outcome;
}

const patch = (id: number, status: string) =>
  t.app.inject({ method: 'PATCH', url: `/api/tickets/${id}`, headers: t.admin, payload: { status } });

/** The same dependencies the app wires to the driver, for flags the simulator route cannot set. */
const deps = () => {
  const { db, outbox, events, config } = t.app.puente;
  return { db, outbox, events, log: t.app.log as unknown as Logger, autoAck: config.AUTO_ACK };
};

const message = (overrides: Partial<IncomingMessage> = {}): IncomingMessage => ({
  waId: `wa-${Math.random().toString(36).slice(2)}`,
  from: USER,
  body: 'hola',
  kind: 'text',
  at: new Date('2026-02-05T15:00:00.000Z'),
  ...overrides,
});

describe('POST /api/simulator/inbound', () => {
  it('401 no_autenticado without credentials, and files nothing', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({ method: 'POST', url: '/api/simulator/inbound', payload: { from: USER, body: 'hola' } });
    expect(response.statusCode).toBe(401);
    expect(await prisma().ticket.count()).toBe(0);
  });

  it('400 solicitud_invalida for a phone that is not E.164, and files nothing', async () => {
    t = await buildTestApp();
    const response = await inbound({ from: 'abc', body: 'hola' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(/^from: el teléfono/) });
    expect(await prisma().message.count()).toBe(0);
  });

  it('a new phone opens a ticket named after the push name, files the message as user and acknowledges naming the ticket', async () => {
    t = await buildTestApp();

    expect(await write({ body: 'Mi impresora no imprime', id: 'wa-1', name: 'Ana Gómez' })).toBe('filed');

    const [ticket] = await tickets();
    expect(await tickets()).toHaveLength(1);
    expect(ticket).toMatchObject({
      phone: USER,
      phoneKey: '+524771234567',
      name: 'Ana Gómez',
      subject: 'Mi impresora no imprime',
      status: 'open',
      unread: 1,
    });
    const [received, ack] = await historyRows(t, ticket.id);
    expect(received).toMatchObject({ role: 'user', content: 'Mi impresora no imprime', waId: 'wa-1', delivery: null });
    expect(ack).toMatchObject({ role: 'assistant', phone: USER });
    expect(ack.content).toContain(`ticket ${ticket.numero}`);
    expect(ack.content).toContain('Ana Gómez');

    // The acknowledgement goes out through the delivery loop and reaches the user's phone.
    await eventually(async () => (await t.simulator.sent()).length === 1);
    expect(await t.simulator.sent()).toEqual([expect.objectContaining({ to: USER, body: ack.content })]);
    await eventually(async () => ['sent', 'delivered'].includes((await historyRows(t, ticket.id))[1].delivery ?? ''));
    const sentAck = (await historyRows(t, ticket.id))[1];
    expect(sentAck.waId).toBe((await t.simulator.sent())[0].id);

    const conversation = await t.app.inject({ method: 'GET', url: `/ticket/${ticket.id}/conversacion`, headers: t.admin });
    expect((conversation.json() as { historial: { role: string }[] }).historial.map((entry) => entry.role)).toEqual(['user', 'assistant']);
  });

  it('with AUTO_ACK=off the ticket opens without an acknowledgement', async () => {
    t = await buildTestApp({ AUTO_ACK: 'off' });

    expect(await write({ body: 'hola', name: 'Ana' })).toBe('filed');

    const [ticket] = await tickets();
    expect((await historyRows(t, ticket.id)).map((row) => row.role)).toEqual(['user']);
    expect(t.app.puente.outbox.pending()).toBe(0);
    expect(await t.simulator.sent()).toEqual([]);
  });

  it('a second message files in the same ticket, with unread 2 and no second acknowledgement', async () => {
    t = await buildTestApp();
    await write({ body: 'primero', name: 'Ana' });
    await eventually(async () => (await t.simulator.sent()).length === 1);

    expect(await write({ body: 'segundo' })).toBe('filed');

    const all = await tickets();
    expect(all).toHaveLength(1);
    expect(all[0].unread).toBe(2);
    expect(all[0].name).toBe('Ana'); // a message without a push name keeps the known name
    const rows = await historyRows(t, all[0].id);
    expect(rows.map((row) => [row.role, row.role === 'user' ? row.content : 'ack'])).toEqual([
      ['user', 'primero'],
      ['assistant', 'ack'],
      ['user', 'segundo'],
    ]);
    expect(await t.simulator.sent()).toHaveLength(1);
  });

  it('+5214771234567 and +524771234567 land in the same ticket', async () => {
    t = await buildTestApp();
    await write({ from: '+5214771234567', body: 'desde el número viejo' });
    await write({ from: '+524771234567', body: 'desde el número nuevo' });
    await write({ from: '+52 1 477 123 4567', body: 'con espacios' });

    const all = await tickets();
    expect(all).toHaveLength(1);
    expect(all[0].unread).toBe(3);
    const users = (await historyRows(t, all[0].id)).filter((row) => row.role === 'user');
    expect(users.map((row) => row.content)).toEqual(['desde el número viejo', 'desde el número nuevo', 'con espacios']);
    await eventually(async () => (await t.simulator.sent()).length === 1);
    expect(await prisma().message.count({ where: { role: 'assistant' } })).toBe(1);
  });

  it('a different number that only shares digits opens its own ticket', async () => {
    t = await buildTestApp();
    await write({ from: '+5214771234567', body: 'uno' });
    await write({ from: '+5214771234568', body: 'otro usuario' });
    expect((await tickets()).map((ticket) => ticket.phone)).toEqual(['+5214771234567', '+5214771234568']);
  });

  it('the same WhatsApp id twice is a duplicate: one row, unread 1', async () => {
    t = await buildTestApp({ AUTO_ACK: 'off' });
    expect(await write({ body: 'hola', id: 'wa-repetido' })).toBe('filed');

    expect(await write({ body: 'hola', id: 'wa-repetido' })).toBe('duplicate');

    expect(await prisma().message.count()).toBe(1);
    expect(await prisma().message.count({ where: { waId: 'wa-repetido' } })).toBe(1);
    expect((await tickets())[0].unread).toBe(1);
  });

  it('a resolved ticket reopens to open, keeping its history and without a new acknowledgement', async () => {
    t = await buildTestApp();
    await write({ body: 'no hay internet' });
    const [ticket] = await tickets();
    await eventually(async () => (await t.simulator.sent()).length === 1);
    expect((await patch(ticket.id, 'resolved')).statusCode).toBe(200);
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).resolvedAt).toBeInstanceOf(Date);

    expect(await write({ body: 'volvió a fallar' })).toBe('filed');

    const all = await tickets();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: ticket.id, status: 'open', resolvedAt: null });
    expect((await historyRows(t, ticket.id)).map((row) => row.role)).toEqual(['user', 'assistant', 'user']);
    expect(await t.simulator.sent()).toHaveLength(1);
  });

  it('a closed ticket is not reused: a new ticket opens, with its own acknowledgement', async () => {
    t = await buildTestApp();
    await write({ body: 'primer problema' });
    const [closed] = await tickets();
    await eventually(async () => (await t.simulator.sent()).length === 1);
    expect((await patch(closed.id, 'closed')).statusCode).toBe(200);

    expect(await write({ body: 'otro problema' })).toBe('filed');

    const all = await tickets();
    expect(all).toHaveLength(2);
    const fresh = all[1];
    expect(fresh.id).not.toBe(closed.id);
    expect(fresh).toMatchObject({ status: 'open', subject: 'otro problema', unread: 1 });
    expect(all[0]).toMatchObject({ id: closed.id, status: 'closed' });
    expect((await historyRows(t, closed.id)).map((row) => row.content)).toEqual(['primer problema', expect.any(String)]);
    const rows = await historyRows(t, fresh.id);
    expect(rows.map((row) => row.role)).toEqual(['user', 'assistant']);
    expect(rows[1].content).toContain(`ticket ${fresh.numero}`);
    await eventually(async () => (await t.simulator.sent()).length === 2);
    expect((await t.simulator.sent())[1].body).toBe(rows[1].content);
  });

  it('stores emoji, accents and combining marks byte for byte', async () => {
    t = await buildTestApp({ AUTO_ACK: 'off' });
    const body = 'Ñandú señal 📶 🇲🇽 👩🏽‍💻 cafe\u0301 «¿qué?» — 日本語\n\tsegunda línea';
    const name = 'José Núñez 🙂';

    await write({ body, name });

    const [ticket] = await tickets();
    expect(ticket.name).toBe(name);
    const [row] = await historyRows(t, ticket.id);
    expect(Buffer.from(row.content, 'utf8').equals(Buffer.from(body, 'utf8'))).toBe(true);
    const conversation = await t.app.inject({ method: 'GET', url: `/ticket/${ticket.id}/conversacion`, headers: t.admin });
    expect(conversation.json().historial[0].content).toBe(body);
    expect(conversation.rawPayload.includes(Buffer.from('👩🏽‍💻 cafe\u0301'))).toBe(true);
  });

  it('a long first message with an emoji across the subject’s 80-character cut is filed, and the subject ends on a whole character', async () => {
    t = await buildTestApp({ AUTO_ACK: 'off' });
    // The subject keeps the first 80 characters; here the 80th is an emoji (two UTF-16 units).
    const body = `${'a'.repeat(79)}😀 y sigue el mensaje`;

    const response = await inbound({ body });

    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ outcome: 'filed' });
    const [ticket] = await tickets();
    expect(ticket.subject).toBe(`${'a'.repeat(79)}😀`);
    expect((await historyRows(t, ticket.id)).map((row) => row.content)).toEqual([body]);
  });

  it('20 different messages at once from one new phone make exactly one ticket, 20 user entries and one acknowledgement', async () => {
    t = await buildTestApp();
    const bodies = Array.from({ length: 20 }, (_, i) => `mensaje ${i + 1}`);

    const outcomes = await Promise.all(bodies.map((body, i) => write({ body, id: `wa-burst-${i}`, name: 'Ana' })));

    expect(outcomes).toEqual(bodies.map(() => 'filed'));
    const all = await tickets();
    expect(all).toHaveLength(1);
    expect(all[0].unread).toBe(20);
    const rows = await historyRows(t, all[0].id);
    const users = rows.filter((row) => row.role === 'user');
    expect(users).toHaveLength(20);
    expect(users.map((row) => row.content).sort()).toEqual([...bodies].sort());
    expect(rows.filter((row) => row.role === 'assistant')).toHaveLength(1);
    await eventually(async () => (await t.simulator.sent()).length === 1);
  });
});

describe('fileInbound', () => {
  it('ignores groups, status broadcasts, our own messages and unusable numbers, writing and announcing nothing', async () => {
    t = await buildTestApp();
    const announced: PuenteEvent[] = [];
    t.app.puente.events.subscribe((event) => announced.push(event));

    const outcomes = [
      await fileInbound(deps(), message({ isGroup: true, body: 'hola grupo' })),
      await fileInbound(deps(), message({ isStatus: true, body: 'mi estado' })),
      await fileInbound(deps(), message({ fromMe: true, body: 'nuestra respuesta' })),
      await fileInbound(deps(), message({ from: 'status@broadcast', body: 'sin número' })),
    ];

    expect(outcomes).toEqual(['ignored', 'ignored', 'ignored', 'ignored']);
    expect(await prisma().ticket.count()).toBe(0);
    expect(await prisma().message.count()).toBe(0);
    expect(announced).toEqual([]);
    expect(t.app.puente.outbox.pending()).toBe(0);
  });

  it('an ignored message does not file into an existing ticket either', async () => {
    t = await buildTestApp({ AUTO_ACK: 'off' });
    await fileInbound(deps(), message({ body: 'hola' }));
    const [ticket] = await tickets();

    expect(await fileInbound(deps(), message({ fromMe: true, body: 'respuesta desde el teléfono' }))).toBe('ignored');
    expect(await fileInbound(deps(), message({ isGroup: true, body: 'en el grupo' }))).toBe('ignored');

    expect((await historyRows(t, ticket.id)).map((row) => row.content)).toEqual(['hola']);
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).unread).toBe(1);
  });

  it('files no WhatsApp notice (e2e, templates, unknown kinds): no ticket, no acknowledgement, no reopen', async () => {
    t = await buildTestApp();
    const notices = ['e2e_notification', 'notification_template'].map((type) =>
      message({ kind: 'other', body: `[Mensaje no compatible: ${type}]` }),
    );
    for (const notice of notices) expect(await fileInbound(deps(), notice)).toBe('ignored');
    expect(await prisma().ticket.count()).toBe(0);
    expect(t.app.puente.outbox.pending()).toBe(0);

    await fileInbound(deps(), message({ body: 'hola' }));
    const [ticket] = await tickets();
    await patch(ticket.id, 'resolved');
    expect(await fileInbound(deps(), message({ kind: 'other', body: '[Mensaje no compatible: e2e_notification]' }))).toBe('ignored');
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe('resolved');
  });

  it('a call is a line in the ticket in progress only: it opens, reopens and acknowledges nothing', async () => {
    t = await buildTestApp();
    const call = () => message({ kind: 'call', body: '[Llamada perdida]' });
    expect(await fileInbound(deps(), call())).toBe('ignored');
    expect(await prisma().ticket.count()).toBe(0);
    expect(t.app.puente.outbox.pending()).toBe(0);

    await fileInbound(deps(), message({ body: 'hola' }));
    const [ticket] = await tickets();
    expect(await fileInbound(deps(), call())).toBe('filed');
    const rows = await historyRows(t, ticket.id);
    expect(rows.map((row) => [row.role, row.kind, row.content])).toEqual([
      ['user', 'text', 'hola'],
      ['assistant', 'text', expect.stringContaining('recibimos tu mensaje')],
      ['user', 'call', '[Llamada perdida]'],
    ]);

    await patch(ticket.id, 'resolved');
    expect(await fileInbound(deps(), call())).toBe('ignored');
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe('resolved');
    expect(await prisma().ticket.count()).toBe(1);
  });

  it('files a writer WhatsApp knows only by @lid under that id, marked sin número, and answers it there', async () => {
    t = await buildTestApp();
    const lid = '208734567890123@lid';
    expect(await fileInbound(deps(), message({ from: '', lid, body: 'hola', name: 'Ana' }))).toBe('filed');
    expect(await fileInbound(deps(), message({ from: '', lid, body: 'sigo aquí' }))).toBe('filed');
    const all = await tickets();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ phone: lid, phoneKey: lid, name: 'Ana (sin número)', unread: 2 });
    const rows = await historyRows(t, all[0].id);
    expect(rows.find((row) => row.role === 'assistant')).toMatchObject({ phone: lid });
    // A bare or malformed lid is not a line.
    expect(await fileInbound(deps(), message({ from: '', lid: 'abc@lid', body: 'x' }))).toBe('ignored');
  });

  it('files with WhatsApp’s own time and kind, and announces the ticket and the entries', async () => {
    t = await buildTestApp();
    const announced: PuenteEvent[] = [];
    t.app.puente.events.subscribe((event) => announced.push(event));
    const at = new Date('2026-02-05T15:04:05.678Z');

    expect(await fileInbound(deps(), message({ waId: 'wa-foto', body: '', kind: 'image', at, name: 'Luis' }))).toBe('filed');

    const [ticket] = await tickets();
    expect(ticket.subject).toBe('Mensaje de WhatsApp'); // an empty caption still gives a subject
    const [row] = await historyRows(t, ticket.id);
    expect(row).toMatchObject({ role: 'user', kind: 'image', timestamp: '2026-02-05T15:04:05.678Z', waId: 'wa-foto' });
    expect(announced).toEqual(
      expect.arrayContaining([
        { type: 'ticket', ticket: expect.objectContaining({ id: ticket.id, unread: 1 }) },
        { type: 'message', ticketId: ticket.id, entry: expect.objectContaining({ id: row.id, role: 'user', kind: 'image' }) },
        { type: 'message', ticketId: ticket.id, entry: expect.objectContaining({ role: 'assistant', delivery: 'queued' }) },
      ]),
    );
  });

  it('the same message delivered twice at once is filed once', async () => {
    t = await buildTestApp({ AUTO_ACK: 'off' });
    const copy = message({ waId: 'wa-doble', body: 'una sola vez' });

    const outcomes = await Promise.all([fileInbound(deps(), copy), fileInbound(deps(), { ...copy })]);

    expect(outcomes.sort()).toEqual(['duplicate', 'filed']);
    expect(await prisma().message.count()).toBe(1);
    expect((await tickets())[0].unread).toBe(1);
  });
});
