import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, type TestApp } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/postgres.ts';
import { copyToPostgres } from './copy-to-postgres.ts';

const open: TestApp[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

describe('db:copy-to-postgres', () => {
  it('copies an SQLite installation: same counts, same API answers, new ids after the copied ones', async () => {
    const sqlite = await buildTestApp({ DATABASE_URL: '' });
    open.push(sqlite);
    const file = path.join(sqlite.dataDir, 'puente.db');
    expect(sqlite.app.puente.db.dialect).toBe('sqlite');
    const ticket = await createTicket(sqlite, { name: 'José Ñúñez', subject: 'Sin red' });
    await createTicket(sqlite, { phone: '+5215553333333', subject: 'Otra' });
    const sent = await sqlite.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, headers: sqlite.admin, payload: { mensaje: 'Hola 👋' } });
    expect(sent.statusCode).toBe(200);
    const before = {
      list: (await sqlite.app.inject({ method: 'GET', url: '/api/tickets', headers: sqlite.admin })).json(),
      chat: (await sqlite.app.inject({ method: 'GET', url: `/ticket/${ticket.id}/conversacion`, headers: sqlite.admin })).json(),
    };
    await sqlite.app.close();
    open.length = 0;

    const url = await freshDatabase();
    const counts = await copyToPostgres(file, url);
    expect(counts.find((c) => c.table === 'Ticket')).toEqual({ table: 'Ticket', sqlite: 2, postgres: 2 });
    expect(counts.find((c) => c.table === 'Message')!.postgres).toBeGreaterThan(0);
    for (const c of counts) expect(c.postgres).toBe(c.sqlite);

    const dataDir = fs.mkdtempSync(path.join(path.dirname(sqlite.dataDir), 'puente-copied-'));
    const copied = await buildTestApp({ DATABASE_URL: url }, { dataDir });
    open.push(copied);
    expect(copied.app.puente.db.dialect).toBe('postgres');
    // The copied admin's password still works (buildTestApp logged in), and the API answers the same.
    expect((await copied.app.inject({ method: 'GET', url: '/api/tickets', headers: copied.admin })).json()).toEqual(before.list);
    expect((await copied.app.inject({ method: 'GET', url: `/ticket/${ticket.id}/conversacion`, headers: copied.admin })).json()).toEqual(before.chat);
    const next = await createTicket(copied, { phone: '+5215554444444', subject: 'Nuevo' });
    expect(next.id).toBe(3);

    await expect(copyToPostgres(file, url)).rejects.toThrow(/ya tiene datos/);
  });
});
