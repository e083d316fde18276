import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, type TestApp } from './support/app.ts';
import { heldClock } from './support/held-clock.ts';

let t: TestApp;
let clock: ReturnType<typeof heldClock>;
afterEach(async () => {
  clock.release();
  await t.close();
});

const phone = (n: number) => `+52147700${String(n).padStart(5, '0')}`;

describe('a flood of new chats', () => {
  it('acknowledges 40 new chats paced like a backlog, not in a burst, and each exactly once', async () => {
    clock = heldClock();
    t = await buildTestApp({ SEND_RATE_PER_MINUTE: '60' }, { clock });
    for (let n = 0; n < 40; n++) await t.simulator.receive({ from: phone(n), body: 'hola, no enciende' });
    const acks = () => t.app.puente.db.prisma.message.findMany({ where: { role: 'assistant' } });
    await eventually(async () => (await acks()).length === 40 && clock.sleeps.length === 39);
    // The first goes at once; the other 39 wait their slots, one every 60 s / 60.
    expect(await t.simulator.sent()).toHaveLength(1);
    expect(clock.sleeps).toEqual(Array.from({ length: 39 }, (_, k) => (k + 1) * 1000));
    clock.release();
    await eventually(async () => (await t.simulator.sent()).length === 40);
    expect(new Set((await t.simulator.sent()).map((s) => s.to)).size).toBe(40);
    await eventually(async () => (await acks()).every((row) => row.waId && !['queued', 'sending'].includes(row.delivery!)));
  });

  it('asks the satisfaction question of many resolved tickets at the same pace', async () => {
    clock = heldClock();
    t = await buildTestApp({ SEND_RATE_PER_MINUTE: '60', AUTO_ACK: 'off', CSAT: 'on' }, { clock });
    for (let n = 0; n < 5; n++) await t.simulator.receive({ from: phone(n), body: 'hola' });
    const tickets = await t.app.puente.db.prisma.ticket.findMany();
    for (const ticket of tickets) {
      const response = await t.app.inject({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, headers: t.admin, payload: { status: 'resolved' } });
      expect(response.statusCode).toBe(200);
    }
    await eventually(() => clock.sleeps.length === 4);
    expect(await t.simulator.sent()).toHaveLength(1);
    clock.release();
    await eventually(async () => (await t.simulator.sent()).length === 5);
  });
});
