import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseFile } from '../server/db/database.ts';
import { buildTestApp, createTicket, eventually, historyRows, type TestApp } from './support/app.ts';
import { clusterUrl } from './support/postgres.ts';

// Another process holds SQLite's write lock (BEGIN IMMEDIATE on a second connection) past the
// service's busy_timeout (5 s). SQLite only: PostgreSQL writers wait on row locks instead.
let t: TestApp;
let ticket: { id: number; phone: string };
let other: Database.Database;

beforeEach(async () => {
  t = await buildTestApp({ AUTO_ACK: 'off' });
  ticket = await createTicket(t);
  other = new Database(databaseFile(t.app.puente.config.databaseUrl));
});
afterEach(async () => {
  if (other.inTransaction) other.exec('ROLLBACK');
  other.close();
  await t.close();
});

const reply = (mensaje: string) => t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, headers: t.admin, payload: { mensaje } });
const connection = (state: string) => t.app.inject({ method: 'POST', url: '/api/simulator/connection', headers: t.admin, payload: { state } });
const detail = async () => (await t.app.inject({ method: 'GET', url: '/healthz?detalle=1', headers: t.admin })).json().detalle;

describe.skipIf(Boolean(clusterUrl()))('database busy (another process holds the write lock)', () => {
  it('a reply answers 503 in Spanish and stores nothing; reads work; what was accepted and what arrived meanwhile is sent and filed once the lock is released', { timeout: 60_000 }, async () => {
    // Accepted before the lock: queued while WhatsApp is down.
    await connection('disconnected');
    expect((await reply('Antes del bloqueo')).statusCode).toBe(503);
    const before = await historyRows(t, ticket.id);
    expect(before).toHaveLength(1);

    other.exec('BEGIN IMMEDIATE');
    await connection('ready'); // the queued reply's lane now meets the lock
    const refused = await reply('Durante el bloqueo');
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toEqual({ error: 'base_de_datos_ocupada', mensaje: expect.stringMatching(/base de datos está ocupada/) });
    expect(await historyRows(t, ticket.id)).toHaveLength(1);

    const read = await t.app.inject({ method: 'GET', url: `/ticket/${ticket.id}/conversacion`, headers: t.admin });
    expect(read.statusCode).toBe(200);
    expect(read.json().historial.map((e: { content: string }) => e.content)).toEqual(['Antes del bloqueo']);
    expect((await detail()).base_de_datos).toMatchObject({ estado: 'ocupada', mensaje: expect.stringMatching(/ocupada/) });

    // An end user writes while the lock is held: it must not be lost.
    const arriving = t.simulator.receive({ from: ticket.phone, body: 'Sigo sin internet', id: 'wa-durante-bloqueo' });
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // past busy_timeout at least once
    other.exec('COMMIT');

    expect(await arriving).toBe('filed');
    await eventually(async () => (await t.simulator.sent()).length === 1, 20_000);
    expect((await t.simulator.sent()).map((record) => record.body)).toEqual(['Antes del bloqueo']);
    const rows = await historyRows(t, ticket.id);
    expect(rows.map((row) => [row.role, row.content])).toEqual([
      ['tecnico', 'Antes del bloqueo'],
      ['user', 'Sigo sin internet'],
    ]);
    await eventually(async () => (await detail()).base_de_datos.estado === 'ok');
    expect((await reply('Después del bloqueo')).statusCode).toBe(200);
    expect(await t.simulator.sent()).toHaveLength(2);
  });
});
