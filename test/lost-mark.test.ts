import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, historyRows, type TestApp } from './support/app.ts';

// On PostgreSQL the `sent` mark and the acks commit without waiting for their WAL flush
// (docs/postgresql.md): a database crash may lose them, never the reply nor the send's record.
// What such a crash leaves is a row still `sending` whose message is in the chat. This is the
// proof that it costs a look-up on restart, never a second send nor a lost reply. Runs on SQLite
// and (vitest.postgres.config.ts) on PostgreSQL.
let t: TestApp | undefined;
let dataDir: string;

afterEach(async () => {
  await t?.close();
  t = undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('a sent mark lost in a database crash', () => {
  it('is found in the chat on restart and marked sent with the same WhatsApp id: sent once, nothing resent', { timeout: 60_000 }, async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-lost-mark-'));
    t = await buildTestApp({ AUTO_ACK: 'off' }, { dataDir });
    const ticket = await createTicket(t);
    const answer = await t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, headers: t.admin, payload: { mensaje: 'la marca se pierde' } });
    expect(answer.statusCode, answer.body).toBe(200);
    await eventually(async () => (await historyRows(t!, ticket.id))[0]?.delivery === 'delivered');
    const [record] = await t.simulator.sent();
    const [row] = await historyRows(t, ticket.id);
    expect(row!.waId).toBe(record!.id);

    // The crash: the `sent` mark and the ack are gone, the row is as its attempt left it.
    await t.app.puente.db.prisma.message.update({ where: { id: row!.id }, data: { delivery: 'sending', waId: null, sentAt: null } });
    await t.close();
    t = await buildTestApp({ AUTO_ACK: 'off' }, { dataDir });

    await eventually(async () => (await historyRows(t!, ticket.id))[0]?.delivery === 'sent', 20_000);
    const [found] = await historyRows(t, ticket.id);
    expect(found!.waId).toBe(record!.id);
    expect((await t.simulator.sent()).map((sent) => sent.body)).toEqual(['la marca se pierde']);
    expect(t.app.puente.outbox.pending()).toBe(0);
  });
});
