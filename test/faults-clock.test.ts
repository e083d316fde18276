import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, createTicket, eventually, historyRows, type TestApp } from './support/app.ts';

// The wall clock jumps (an operator sets the hour, NTP steps after a long suspend) while replies
// are queued. Only Date is faked: timers and the monotonic clock keep running, as on a server.
const T0 = Date.parse('2026-03-02T15:00:00Z');
const HOUR = 3_600_000;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  vi.useRealTimers();
});

describe('clock jumps', () => {
  it('3 h forward, then 1 h back, with replies queued: each is sent once, sessions stay, the detail says so', { timeout: 60_000 }, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    // A forward jump is time passing as far as idle sessions know; the limit is set past it here.
    const app = (t = await buildTestApp({ AUTO_ACK: 'off', SESSION_IDLE_MINUTES: '300' }));
    const ticket = await createTicket(app);
    const as = (method: 'GET' | 'POST', url: string, payload?: object) => app.app.inject({ method, url, headers: app.admin, ...(payload ? { payload } : {}) });
    const connection = (state: string) => as('POST', '/api/simulator/connection', { state });
    const reply = (mensaje: string) => as('POST', `/ticket/${ticket.id}/enviar-mensaje`, { mensaje });
    const sent = async () => (await app.simulator.sent()).map((record) => record.body);

    await connection('disconnected');
    expect((await reply('uno')).statusCode).toBe(503);
    vi.setSystemTime(T0 + 3 * HOUR);
    expect((await reply('dos')).statusCode).toBe(503);
    const forward = (await as('GET', '/healthz?detalle=1')).json().detalle.reloj;
    expect(forward).toMatchObject({ estado: 'salto_detectado', mensaje: expect.stringMatching(/3 horas hacia adelante/) });
    await connection('ready');
    await eventually(async () => (await sent()).length === 2);

    await connection('disconnected');
    expect((await reply('tres')).statusCode).toBe(503);
    vi.setSystemTime(T0 + 2 * HOUR); // an hour back: the backlog's pacing must not wait that hour
    await connection('ready');
    await eventually(async () => (await sent()).length === 3, 10_000);
    expect(await sent()).toEqual(['uno', 'dos', 'tres']);
    // The phone records a send before its row is marked sent: wait for the marks, then check each.
    await eventually(async () => (await historyRows(app, ticket.id)).every((row) => row.delivery !== 'sending'));
    for (const row of await historyRows(app, ticket.id)) expect(['sent', 'delivered', 'read']).toContain(row.delivery);

    // No mass logout on a backward jump: the session seen "in the future" still works.
    expect((await as('GET', '/api/auth/me')).statusCode).toBe(200);
    const back = (await as('GET', '/healthz?detalle=1')).json().detalle.reloj;
    expect(back).toMatchObject({ estado: 'salto_detectado', mensaje: expect.stringMatching(/hacia atrás/) });
    // A little later nothing has been sent twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await sent()).toEqual(['uno', 'dos', 'tres']);
  });

  it('a forward jump past the idle timeout (NTP stepping hours) does not end a session in use; real idleness still does (server/auth/idle-clock.test.ts)', { timeout: 30_000 }, async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const app = (t = await buildTestApp()); // the default 30-minute idle timeout
    const me = () => app.app.inject({ method: 'GET', url: '/api/auth/me', headers: app.admin });
    expect((await me()).statusCode).toBe(200);
    vi.setSystemTime(T0 + 3 * HOUR);
    expect((await me()).statusCode).toBe(200); // seconds passed on the monotonic clock, not 3 hours
    expect((await me()).statusCode).toBe(200); // and after its last-seen was written at the new hour
  });
});
