import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, historyRows, type TestApp } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/postgres.ts';
import { leaseStore } from './lease-store.ts';

const open: TestApp[] = [];
afterEach(async () => {
  for (const each of open.splice(0).reverse()) await each.close();
});

describe('sends fenced by the WhatsApp lease (two processes on one PostgreSQL)', () => {
  it('refuses the send of a holder whose lease was taken: not marked, not sent; the new holder sends it once', async () => {
    // A long lease: nothing expires on its own during the test, only the steal moves it.
    const env = { DATABASE_URL: await freshDatabase(), LEASE_TTL_MS: '20000' };
    const old = await buildTestApp(env);
    open.push(old);
    const next = await buildTestApp(env);
    open.push(next);
    expect(old.app.puente.lease.held()).toBe(true);
    expect(next.app.puente.lease.held()).toBe(false);
    const ticket = await createTicket(old);

    // The holder is paused or cut off; meanwhile the other process takes the lease over.
    const generation = await leaseStore(next.app.puente.db).acquire(next.app.puente.lease.holder, 20_000, true);
    expect(generation).toBe(2);
    // The old holder still believes it holds the link (its own clock says so) and tries to send.
    expect(old.app.puente.lease.held()).toBe(true);
    const response = await old.app.inject({
      method: 'POST',
      url: `/ticket/${ticket.id}/enviar-mensaje`,
      headers: old.admin,
      payload: { mensaje: 'enviado por quien ya no tiene la conexión' },
    });
    expect(response.statusCode).toBe(503);
    const [row] = (await historyRows(old, ticket.id)).filter((r) => r.role === 'tecnico');
    expect(row).toMatchObject({ delivery: 'queued', attempts: 0, attemptAt: null });
    expect(await old.simulator.sent()).toEqual([]);
    // The refusal tells the old holder it lost the link: it stops its driver.
    await old.app.puente.lease.settled();
    expect(old.app.puente.lease.held()).toBe(false);
    expect(old.simulator.state().state).toBe('starting');

    // The new holder picks the stored reply up and sends it, once.
    await next.app.puente.lease.tick();
    await eventually(async () => (await historyRows(next, ticket.id)).find((r) => r.id === row.id)?.delivery === 'sent');
    expect((await next.simulator.sent()).map((s) => s.body)).toEqual(['enviado por quien ya no tiene la conexión']);
    expect(await old.simulator.sent()).toEqual(await next.simulator.sent()); // one phone, one record
  });
});
