import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, historyRows, type TestApp } from './support/app.ts';
import { freshDatabase } from './support/postgres.ts';

// PostgreSQL's busy case, as test/faults-database.test.ts is SQLite's: another connection (a
// migration, a maintenance script, a stuck transaction) holds a lock the service's writes need.
// Reads still work; a write waits lock_timeout (5 s), then fails with 55P03 and is answered 503.
let t: TestApp;
let ticket: { id: number; phone: string };
let other: pg.Client;

beforeEach(async () => {
  t = await buildTestApp({ AUTO_ACK: 'off' });
  ticket = await createTicket(t);
  other = new pg.Client({ connectionString: t.app.puente.config.databaseUrl });
  await other.connect();
});
afterEach(async () => {
  await other.query('ROLLBACK').catch(() => {});
  await other.end();
  await t.close();
});

const reply = (mensaje: string) => t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, headers: t.admin, payload: { mensaje } });
const connection = (state: string) => t.app.inject({ method: 'POST', url: '/api/simulator/connection', headers: t.admin, payload: { state } });
const detail = async () => (await t.app.inject({ method: 'GET', url: '/healthz?detalle=1', headers: t.admin })).json().detalle;

describe('PostgreSQL busy (another connection holds the lock a write needs)', () => {
  it('a reply answers 503 in Spanish within seconds and stores nothing; reads work; what was accepted and what arrived meanwhile is sent and filed once the lock is released', { timeout: 90_000 }, async () => {
    await connection('disconnected');
    expect((await reply('Antes del bloqueo')).statusCode).toBe(503); // accepted, queued while WhatsApp is down
    expect(await historyRows(t, ticket.id)).toHaveLength(1);

    // EXCLUSIVE lets plain reads through and stops every insert and update, like SQLite's write lock.
    await other.query('BEGIN');
    await other.query('LOCK TABLE "Message" IN EXCLUSIVE MODE');
    await connection('ready'); // the queued reply's send now meets the lock

    const started = performance.now();
    const refused = await reply('Durante el bloqueo');
    expect(performance.now() - started).toBeLessThan(20_000); // not held until the lock goes
    expect(refused.statusCode, refused.body).toBe(503);
    expect(refused.json()).toEqual({ error: 'base_de_datos_ocupada', mensaje: expect.stringMatching(/base de datos está ocupada/) });

    const read = await t.app.inject({ method: 'GET', url: `/ticket/${ticket.id}/conversacion`, headers: t.admin });
    expect(read.statusCode).toBe(200);
    expect(read.json().historial.map((e: { content: string }) => e.content)).toEqual(['Antes del bloqueo']);
    expect((await detail()).base_de_datos).toMatchObject({ estado: 'ocupada', mensaje: expect.stringMatching(/ocupada/) });

    // An end user writes while the lock is held: it must not be lost.
    const arriving = t.simulator.receive({ from: ticket.phone, body: 'Sigo sin internet', id: 'wa-durante-bloqueo' });
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // past lock_timeout at least once
    await other.query('ROLLBACK');

    expect(await arriving).toBe('filed');
    await eventually(async () => (await t.simulator.sent()).length === 1, 30_000);
    expect((await t.simulator.sent()).map((record) => record.body)).toEqual(['Antes del bloqueo']);
    const rows = await historyRows(t, ticket.id);
    expect(rows.map((row) => [row.role, row.content])).toEqual([
      ['tecnico', 'Antes del bloqueo'],
      ['user', 'Sigo sin internet'],
    ]);
    await eventually(async () => (await detail()).base_de_datos.estado === 'ok', 15_000);
    expect((await reply('Después del bloqueo')).statusCode).toBe(200);
    expect(await t.simulator.sent()).toHaveLength(2);
  });

  it('with an operator\'s statement_timeout shorter than lock_timeout (57014) the reply is refused the same way', { timeout: 60_000 }, async () => {
    await t.close();
    const url = new URL(await freshDatabase());
    url.searchParams.set('options', '-c statement_timeout=1500');
    t = await buildTestApp({ AUTO_ACK: 'off', DATABASE_URL: url.toString() });
    ticket = await createTicket(t);
    await other.end();
    other = new pg.Client({ connectionString: t.app.puente.config.databaseUrl });
    await other.connect();
    await other.query('BEGIN');
    await other.query('LOCK TABLE "Message" IN EXCLUSIVE MODE');
    const refused = await reply('Durante el bloqueo');
    expect(refused.statusCode, refused.body).toBe(503);
    expect(refused.json()).toMatchObject({ error: 'base_de_datos_ocupada' });
    await other.query('ROLLBACK');
    expect((await reply('Después del bloqueo')).statusCode).toBe(200);
    expect((await historyRows(t, ticket.id)).map((row) => row.content)).toEqual(['Después del bloqueo']);
  });
});

describe('PostgreSQL deadlock on a hot write', () => {
  it('an ack PostgreSQL gave up to break a deadlock is applied again, not dropped', { timeout: 60_000 }, async () => {
    expect((await reply('Ya quedó')).statusCode).toBe(200);
    await eventually(async () => (await historyRows(t, ticket.id))[0]?.delivery === 'delivered');
    const [row] = await historyRows(t, ticket.id);

    // The other session locks the ticket, the ack locks its message and (its version trigger)
    // waits for the ticket, then the other session wants the message: a cycle. The other
    // session's deadlock_timeout is long, so the ack's session is the one given up (40P01).
    await other.query("SET deadlock_timeout = '20s'");
    await other.query('BEGIN');
    await other.query('UPDATE "Ticket" SET "updatedAt" = "updatedAt" WHERE id = $1', [ticket.id]);
    const ack = t.app.puente.outbox.applyAck(row!.waId!, 'read');
    const watcher = new pg.Client({ connectionString: t.app.puente.config.databaseUrl });
    await watcher.connect();
    try {
      const waiting = async () => Number((await watcher.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`)).rows[0].n);
      await eventually(async () => (await waiting()) === 1, 10_000); // the ack waits for the ticket
      await other.query('UPDATE "Message" SET "deliveryInfo" = "deliveryInfo" WHERE id = $1', [row!.id]); // returns once the ack was given up
      await eventually(async () => (await waiting()) === 1, 10_000); // the ack, run again, waits for the other session
    } finally {
      await watcher.end();
    }
    await other.query('ROLLBACK');
    await ack;
    expect((await historyRows(t, ticket.id))[0]!.delivery).toBe('read');
  });
});
