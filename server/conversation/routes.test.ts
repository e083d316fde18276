import { beforeEach, describe, expect, it, vi } from 'vitest';
import { messagesOf } from '../messages/index.ts';
import { buildTestApp, createTicket, eventually, historyRows, setConnection } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';

const t = useTestApp();
let ticket: { id: number; phone: string };

beforeEach(async () => {
  ticket = await createTicket(t);
});

const send = (payload: unknown, options: { id?: string | number; headers?: Record<string, string> } = {}) =>
  t.app.inject({
    method: 'POST',
    url: `/ticket/${options.id ?? ticket.id}/enviar-mensaje`,
    headers: { ...t.admin, ...options.headers },
    payload: payload as string,
  });

const connection = (state: string) => setConnection(t, state);

const messageCount = () => t.app.puente.db.prisma.message.count();

describe('POST /ticket/:id/enviar-mensaje', () => {
  it('401 without a session or token, and stores nothing', async () => {
    const response = await t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, payload: { mensaje: 'hola' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'no_autenticado', mensaje: expect.any(String) });
    expect(await messageCount()).toBe(0);
  });

  it('200 with the exact body once WhatsApp accepted it, stored first and delivered once', async () => {
    const response = await send({ mensaje: 'Ya revisamos tu equipo 🔋' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(
      JSON.stringify({ status: 'enviado', ticket_id: ticket.id, telefono: '+5214772758198', mensaje: 'Mensaje enviado correctamente' }),
    );
    const [row] = await historyRows(t, ticket.id);
    expect(row).toMatchObject({ role: 'tecnico', content: 'Ya revisamos tu equipo 🔋', delivery: 'sent', authorName: 'Administrador' });
    expect(row.waId).toMatch(/^sim-/);
    expect(await t.simulator.sent()).toEqual([expect.objectContaining({ to: '+5214772758198', body: 'Ya revisamos tu equipo 🔋', id: row.waId })]);
  });

  it('a store PostgreSQL gave up to break a deadlock is stored again: 200, one entry, sent once', async () => {
    const store = messagesOf(t.app.puente.db);
    const original = store.storeReply;
    let calls = 0;
    store.storeReply = async (reply, claim) => {
      calls += 1;
      if (calls > 1) return original(reply, claim);
      // As a batch given up at its commit: the lane had taken the reply's place, nothing committed.
      claim({ id: 999_999, phone: ticket.phone });
      throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    };
    try {
      const response = await send({ mensaje: 'tras el bloqueo' });
      expect(response.statusCode).toBe(200);
    } finally {
      store.storeReply = original;
    }
    expect(calls).toBe(2);
    expect((await historyRows(t, ticket.id)).map((row) => [row.content, row.delivery])).toEqual([['tras el bloqueo', 'sent']]);
    expect((await t.simulator.sent()).map((r) => r.body)).toEqual(['tras el bloqueo']);
    expect(t.app.puente.outbox.pending()).toBe(0);
  });

  it.each([
    ['an empty message', { mensaje: '' }, /vacío/],
    ['only spaces', { mensaje: '   \n ' }, /vacío/],
    ['a number', { mensaje: 42 }, /texto/],
    ['no mensaje', {}, /texto/],
    ['an array body', [], /objeto/],
    ['4097 characters', { mensaje: 'a'.repeat(4097) }, /4096/],
  ])('400 for %s, with a Spanish message and nothing written', async (_, payload, message) => {
    const response = await send(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(message) });
    expect(await messageCount()).toBe(0);
  });

  it('accepts 4096 emoji: the limit counts characters, not UTF-16 units', async () => {
    const response = await send({ mensaje: '😀'.repeat(4096) });
    expect(response.statusCode).toBe(200);
  });

  it.each(['abc', '0', '-3', '1.5', '99999999999'])('400 for the id %j, with nothing written', async (id) => {
    const response = await send({ mensaje: 'hola' }, { id });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'solicitud_invalida', mensaje: expect.stringMatching(/id/) });
    expect(await messageCount()).toBe(0);
  });

  it('400 for a body that is not JSON', async () => {
    const response = await send('{"mensaje": ', { headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'El cuerpo de la solicitud no es JSON válido.' });
  });

  it('413 for a body over 64 KiB, with nothing written', async () => {
    const response = await send({ mensaje: 'x'.repeat(70 * 1024) });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ error: 'cuerpo_demasiado_grande', mensaje: expect.any(String) });
    expect(await messageCount()).toBe(0);
  });

  it('404 for a ticket that does not exist, with its id and nothing written', async () => {
    const response = await send({ mensaje: 'hola' }, { id: 999 });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'ticket_no_encontrado', mensaje: 'No existe el ticket 999.', ticket_id: 999 });
    expect(await messageCount()).toBe(0);
  });

  it('503 while WhatsApp is disconnected: kept queued, then sent in order when it is back', async () => {
    await connection('disconnected');
    for (const text of ['uno', 'dos', 'tres']) {
      const response = await send({ mensaje: text });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ error: 'whatsapp_desconectado', mensaje: expect.stringMatching(/guardado/), ticket_id: ticket.id });
    }
    expect((await historyRows(t, ticket.id)).map((row) => row.delivery)).toEqual(['queued', 'queued', 'queued']);
    expect(await t.simulator.sent()).toEqual([]);

    await connection('ready');
    await eventually(async () => (await historyRows(t, ticket.id)).every((row) => row.delivery === 'sent' || row.delivery === 'delivered'));
    expect((await t.simulator.sent()).map((record) => record.body)).toEqual(['uno', 'dos', 'tres']);
  });

  it('504 when WhatsApp never answers, and the message is not sent twice', async () => {
    await connection('unresponsive');
    const response = await send({ mensaje: 'llegó pero nadie lo confirmó' });
    expect(response.statusCode).toBe(504);
    expect(response.json()).toEqual({ error: 'whatsapp_sin_respuesta', mensaje: expect.any(String), ticket_id: ticket.id });

    await connection('ready');
    await eventually(async () => (await historyRows(t, ticket.id))[0].delivery === 'sent');
    const next = await send({ mensaje: 'siguiente' });
    expect(next.statusCode).toBe(200);
    expect((await t.simulator.sent()).map((record) => record.body)).toEqual(['llegó pero nadie lo confirmó', 'siguiente']);
    const [first] = await historyRows(t, ticket.id);
    expect(first.attempts).toBe(1);
    expect(first.waId).toBe((await t.simulator.sent())[0].id);
  });

  it('500 without a stack trace when something unexpected fails, and the reply is kept', async () => {
    // Fails after the commit, before the lane starts (as the outbox's hand-off announces the reply).
    vi.spyOn(t.app.puente.events, 'emit').mockImplementationOnce(() => {
      throw new Error('disco lleno en /var/secreto');
    });
    const response = await send({ mensaje: 'no se pierde' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'error_interno', mensaje: expect.any(String) });
    expect(response.body).not.toMatch(/secreto|at |Error/);
    expect(await historyRows(t, ticket.id)).toEqual([expect.objectContaining({ content: 'no se pierde', delivery: 'sending' })]);

    const dataDir = t.dataDir;
    await t.app.close();
    t.replace(await buildTestApp({}, { dataDir }));
    await eventually(async () => (await t.simulator.sent()).some((record) => record.body === 'no se pierde'));
  });

  describe('Idempotency-Key', () => {
    it('repeats the first outcome and stores nothing new', async () => {
      const headers = { 'idempotency-key': 'consola-7f3a' };
      const first = await send({ mensaje: 'una sola vez' }, { headers });
      const again = await send({ mensaje: 'una sola vez' }, { headers });
      expect(again.statusCode).toBe(200);
      expect(again.body).toBe(first.body);
      expect(await messageCount()).toBe(1);
      expect(await t.simulator.sent()).toHaveLength(1);
    });

    it('repeats a 503 as a 503 and does not queue the reply twice', async () => {
      await connection('disconnected');
      const headers = { 'idempotency-key': 'reintento-tras-corte' };
      expect((await send({ mensaje: 'en cola' }, { headers })).statusCode).toBe(503);
      expect((await send({ mensaje: 'en cola' }, { headers })).statusCode).toBe(503);
      await connection('ready');
      await eventually(async () => (await historyRows(t, ticket.id))[0].delivery === 'sent');
      expect(await messageCount()).toBe(1);
      expect(await t.simulator.sent()).toHaveLength(1);
    });

    it('two concurrent calls with one key store one reply', async () => {
      const headers = { 'idempotency-key': 'doble-clic' };
      const responses = await Promise.all([send({ mensaje: 'doble' }, { headers }), send({ mensaje: 'doble' }, { headers })]);
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200]);
      expect(await messageCount()).toBe(1);
    });

    it('400 when the key was used for another ticket', async () => {
      const other = await createTicket(t, { phone: '+5215512345678' });
      await send({ mensaje: 'a' }, { headers: { 'idempotency-key': 'k1' } });
      const response = await send({ mensaje: 'b' }, { id: other.id, headers: { 'idempotency-key': 'k1' } });
      expect(response.statusCode).toBe(400);
      expect(await messageCount()).toBe(1);
    });
  });

  it('keeps each chat in the order written when many replies race', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `mensaje ${i}`);
    for (const text of texts) void send({ mensaje: text });
    await eventually(async () => (await t.simulator.sent()).length === texts.length);
    expect((await t.simulator.sent()).map((record) => record.body)).toEqual(texts);
  });
});

describe('a number without WhatsApp', () => {
  it('422 envio_rechazado, the reply failed with the reason; Reenviar sends it once the number has WhatsApp', async () => {
    await t.app.inject({ method: 'POST', url: '/api/simulator/numbers', headers: t.admin, payload: { phone: ticket.phone, whatsapp: false } });
    const response = await send({ mensaje: 'no llegará' });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ error: 'envio_rechazado', mensaje: expect.stringMatching(/no tiene WhatsApp/), ticket_id: ticket.id });
    const [row] = await historyRows(t, ticket.id);
    expect(row).toMatchObject({ delivery: 'failed', deliveryInfo: 'el número no tiene WhatsApp' });

    await t.app.inject({ method: 'POST', url: '/api/simulator/numbers', headers: t.admin, payload: { phone: ticket.phone, whatsapp: true } });
    const resend = await t.app.inject({ method: 'POST', url: `/api/messages/${row.id}/reenviar`, headers: t.admin });
    expect(resend.statusCode).toBe(202);
    await eventually(async () => (await t.simulator.sent()).length === 1);
    expect((await t.app.inject({ method: 'POST', url: `/api/messages/${row.id}/reenviar`, headers: t.admin })).statusCode).toBe(409);
  });
});

describe('GET /ticket/:id/conversacion', () => {
  it('401 without a session or token', async () => {
    const response = await t.app.inject({ url: `/ticket/${ticket.id}/conversacion` });
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('no_autenticado');
  });

  it('400 for an invalid id and 404 for a missing ticket', async () => {
    expect((await t.app.inject({ url: '/ticket/x/conversacion', headers: t.admin })).json().error).toBe('solicitud_invalida');
    const missing = await t.app.inject({ url: '/ticket/4040/conversacion', headers: t.admin });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'ticket_no_encontrado', mensaje: expect.any(String), ticket_id: 4040 });
  });

  it('serves the history oldest first, initial entries first, Unicode byte for byte', async () => {
    const seeded = await createTicket(t, {
      phone: '+5214771112233',
      historial: [
        { role: 'user', content: 'Mi laptop no enciende', timestamp: '2026-02-05T09:00:00' },
        { role: 'assistant', content: '¿Cuál es tu nombre?', timestamp: '2026-02-05T09:00:01' },
      ],
    });
    await t.simulator.receive({ from: '+5214771112233', body: 'Soy Zoë 👩🏽‍💻 — ñandú', id: 'wa-1' });
    await t.app.inject({ method: 'POST', url: `/ticket/${seeded.id}/enviar-mensaje`, headers: t.admin, payload: { mensaje: '“listo” ✅' } });

    const response = await t.app.inject({ url: `/ticket/${seeded.id}/conversacion`, headers: t.admin });
    expect(response.statusCode).toBe(200);
    const { historial } = response.json();
    expect(historial.map((e: { role: string; content: string }) => [e.role, e.content])).toEqual([
      ['user', 'Mi laptop no enciende'],
      ['assistant', '¿Cuál es tu nombre?'],
      ['user', 'Soy Zoë 👩🏽‍💻 — ñandú'],
      ['tecnico', '“listo” ✅'],
    ]);
    expect(historial[0].timestamp).toBe('2026-02-05T09:00:00');
    expect(Buffer.from(response.rawPayload).includes(Buffer.from('Soy Zoë 👩🏽‍💻 — ñandú', 'utf8'))).toBe(true);
    expect(historial[3]).toMatchObject({ delivery: expect.stringMatching(/sent|delivered/), timestamp: expect.stringMatching(/Z$/) });
  });

  it('answers only newer entries with ?desde', async () => {
    await t.simulator.receive({ from: ticket.phone, body: 'uno', id: 'a' });
    await t.simulator.receive({ from: ticket.phone, body: 'dos', id: 'b' });
    const all = (await t.app.inject({ url: `/ticket/${ticket.id}/conversacion`, headers: t.admin })).json().historial;
    const newer = (await t.app.inject({ url: `/ticket/${ticket.id}/conversacion?desde=${all[0].id}`, headers: t.admin })).json();
    expect(newer.historial.map((e: { content: string }) => e.content)).toEqual(['dos']);
  });
});

describe('text that is not valid Unicode', () => {
  it('400 for a lone surrogate anywhere in a JSON body, with nothing written', async () => {
    const response = await send('{"mensaje":"hola \\ud83d"}', { headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(/Unicode/) });
    expect(await messageCount()).toBe(0);
  });
});

describe('GET /ticket/:id/conversacion, a window of a long chat', () => {
  it('serves the newest entries with ?limite, oldest first, and pages back with ?antes', async () => {
    for (let i = 1; i <= 7; i++) await t.simulator.receive({ from: ticket.phone, body: `m${i}`, id: `w${i}` });
    const get = async (query: string) =>
      (await t.app.inject({ url: `/ticket/${ticket.id}/conversacion?${query}`, headers: t.admin })).json().historial.map(
        (e: { content: string }) => e.content,
      );
    expect(await get('limite=3')).toEqual(['m5', 'm6', 'm7']);
    const page = (await t.app.inject({ url: `/ticket/${ticket.id}/conversacion?limite=3`, headers: t.admin })).json().historial;
    expect(await get(`limite=3&antes=${page[0].id}`)).toEqual(['m2', 'm3', 'm4']);
    expect((await t.app.inject({ url: `/ticket/${ticket.id}/conversacion?limite=0`, headers: t.admin })).statusCode).toBe(400);
  });
});

describe('ids and bodies the contract must refuse', () => {
  it.each(['0x1', '1.0', '%201', '1e0', '01'])('400 for the id %j, with nothing written', async (id) => {
    const response = await send({ mensaje: 'hola' }, { id });
    expect(response.statusCode).toBe(400);
    expect(await messageCount()).toBe(0);
  });

  it('400 for a text/plain body even where no body is read, changing nothing', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/whatsapp/logout',
      headers: { ...t.admin, 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(response.statusCode).toBe(400);
    expect(t.simulator.state().state).toBe('ready');
  });

  it('400 for a text/plain body, with nothing written', async () => {
    const response = await send('{"mensaje":"hola"}', { headers: { 'content-type': 'text/plain' } });
    expect(response.statusCode).toBe(400);
    expect(await messageCount()).toBe(0);
  });
});
