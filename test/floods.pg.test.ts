import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, type TestApp } from './support/app.ts';
import { heldClock } from './support/held-clock.ts';
import { freshDatabase } from './support/postgres.ts';

// As test/floods.test.ts, but the new chats arrive at a process that does not hold the link: it
// files them and hands their automatic messages to the holder, which must pace them as it would
// its own, not send them in a burst.
const open: TestApp[] = [];
let clock: ReturnType<typeof heldClock>;
afterEach(async () => {
  clock?.release();
  for (const each of open.splice(0).reverse()) await each.close();
});

const phone = (n: number) => `+52147710${String(n).padStart(5, '0')}`;

async function twoProcesses(env: Record<string, string>) {
  const shared = { DATABASE_URL: await freshDatabase(), LEASE_TTL_MS: '20000', SEND_RATE_PER_MINUTE: '60', ...env };
  clock = heldClock();
  const holder = await buildTestApp(shared, { clock }); // the holder's outbox paces with the held clock
  open.push(holder);
  const other = await buildTestApp(shared);
  open.push(other);
  expect(other.app.puente.lease.held()).toBe(false);
  return { holder, other };
}

describe('a flood of new chats filed by the process without the link', () => {
  it('acknowledgements handed to the holder are paced like a backlog, each sent once', { timeout: 60_000 }, async () => {
    const { holder, other } = await twoProcesses({});
    for (let n = 0; n < 12; n++) await other.simulator.receive({ from: phone(n), body: 'hola, no enciende' });
    const acks = () => holder.app.puente.db.prisma.message.findMany({ where: { role: 'assistant' } });
    await eventually(async () => (await acks()).length === 12 && clock.sleeps.length === 11, 30_000).catch(async (err) => {
      throw new Error(`${err}: ${(await acks()).length} acks, sleeps ${JSON.stringify(clock.sleeps)}, sent ${(await holder.simulator.sent()).length}`);
    });
    // The first goes at once; the other 11 wait their slots, one every 60 s / 60.
    expect(await holder.simulator.sent()).toHaveLength(1);
    expect(clock.sleeps).toEqual(Array.from({ length: 11 }, (_, k) => (k + 1) * 1000));
    clock.release();
    await eventually(async () => (await holder.simulator.sent()).length === 12);
    expect(new Set((await holder.simulator.sent()).map((s) => s.to)).size).toBe(12);
    await eventually(async () => (await acks()).every((row) => row.waId && !['queued', 'sending'].includes(row.delivery!)));
  });

  it('the satisfaction question of tickets resolved on that process too', { timeout: 60_000 }, async () => {
    const { holder, other } = await twoProcesses({ AUTO_ACK: 'off', CSAT: 'on' });
    for (let n = 0; n < 4; n++) await other.simulator.receive({ from: phone(100 + n), body: 'hola' });
    for (const ticket of await other.app.puente.db.prisma.ticket.findMany()) {
      const response = await other.app.inject({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, headers: other.admin, payload: { status: 'resolved' } });
      expect(response.statusCode).toBe(200);
    }
    await eventually(() => clock.sleeps.length === 3);
    expect(await holder.simulator.sent()).toHaveLength(1);
    clock.release();
    await eventually(async () => (await holder.simulator.sent()).length === 4);
    const questions = () => holder.app.puente.db.prisma.message.findMany({ where: { role: 'assistant' } });
    await eventually(async () => (await questions()).every((row) => row.waId && !['queued', 'sending'].includes(row.delivery!)));
  });
});
