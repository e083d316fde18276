import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, createTicket, type TestApp } from '../../test/support/app.ts';
import { periodBounds } from '../insight/stats.ts';
import { countBreaches, settleOutcomes } from './breaches.ts';
import { buildPolicy } from './policy.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  vi.useRealTimers();
});

const T0 = Date.parse('2026-11-30T15:00:00.000Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const prisma = (app: TestApp) => app.app.puente.db.prisma;

describe('GET /api/tickets: SLA clocks', () => {
  it('needs a session', async () => {
    t = await buildTestApp();
    expect((await t.app.inject({ method: 'GET', url: '/api/tickets' })).statusCode).toBe(401);
  });

  it('counts down, stands still while "En espera", resumes, breaches, and stops at the first reply', async () => {
    // Only Date is faked: the service's own timers keep running.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    // The clock jumps hours between requests: the admin's session must not go idle meanwhile.
    t = await buildTestApp({ SLA_PRIMERA_RESPUESTA_MIN: 'alta=60', SLA_RESOLUCION_H: 'alta=8', AUTO_ACK: 'off', SESSION_IDLE_MINUTES: '720' });
    const app = t;
    const as = (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object) =>
      app.app.inject({ method, url, headers: app.admin, ...(payload ? { payload } : {}) });
    const clocks = async (id: number) => {
      const response = await as('GET', '/api/tickets');
      expect(response.statusCode).toBe(200);
      return response.json().tickets.find((ticket: { id: number }) => ticket.id === id).sla;
    };
    const ticket = await createTicket(t, { priority: 'alta' });

    vi.setSystemTime(T0 + 50 * MIN);
    expect(await clocks(ticket.id)).toEqual({
      primera_respuesta: { vence: iso(T0 + 60 * MIN), restante_min: 10, estado: 'aviso', pausado: false },
      resolucion: { vence: iso(T0 + 480 * MIN), restante_min: 430, estado: 'ok', pausado: false },
    });

    expect((await as('PATCH', `/api/tickets/${ticket.id}`, { status: 'on_hold' })).statusCode).toBe(200);
    vi.setSystemTime(T0 + 300 * MIN);
    expect((await clocks(ticket.id)).primera_respuesta).toEqual({ vence: null, restante_min: 10, estado: 'aviso', pausado: true });

    await as('PATCH', `/api/tickets/${ticket.id}`, { status: 'in_progress' });
    vi.setSystemTime(T0 + 320 * MIN);
    expect((await clocks(ticket.id)).primera_respuesta).toEqual({
      vence: iso(T0 + 310 * MIN), restante_min: -10, estado: 'vencido', pausado: false,
    });

    const reply = await as('POST', `/ticket/${ticket.id}/enviar-mensaje`, { mensaje: 'Ya lo reviso.' });
    expect(reply.statusCode).toBe(200);
    vi.setSystemTime(T0 + 400 * MIN);
    const after = await clocks(ticket.id);
    // Breached and stopped: it no longer moves. The resolution clock ran 50 + 100 min.
    expect(after.primera_respuesta).toEqual({ vence: iso(T0 + 310 * MIN), restante_min: -10, estado: 'vencido', pausado: false });
    expect(after.resolucion).toMatchObject({ restante_min: 330, estado: 'ok' });

    await as('PATCH', `/api/tickets/${ticket.id}`, { status: 'resolved' });
    expect((await clocks(ticket.id)).resolucion).toEqual({ vence: null, restante_min: 330, estado: 'cumplido', pausado: false });
    const changes = await t.app.puente.db.prisma.statusChange.findMany({ where: { ticketId: ticket.id }, orderBy: { id: 'asc' } });
    expect(changes.map((change) => [change.status, change.at.getTime()])).toEqual([
      ['on_hold', T0 + 50 * MIN],
      ['in_progress', T0 + 300 * MIN],
      ['resolved', T0 + 400 * MIN],
    ]);
  });

  it('a reopening by the end user is recorded and restarts the resolution clock', async () => {
    t = await buildTestApp({ AUTO_ACK: 'off' });
    const app = t;
    const inbound = () => app.app.inject({ method: 'POST', url: '/api/simulator/inbound', headers: app.admin, payload: { from: '+5214772758198', body: 'sigue fallando' } });
    await inbound();
    const [ticket] = await t.app.puente.db.prisma.ticket.findMany();
    await app.app.inject({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, headers: app.admin, payload: { status: 'resolved' } });
    await inbound();
    const changes = await t.app.puente.db.prisma.statusChange.findMany({ where: { ticketId: ticket.id }, orderBy: { id: 'asc' } });
    expect(changes.map((change) => change.status)).toEqual(['resolved', 'open']);
    const listed = (await app.app.inject({ method: 'GET', url: '/api/tickets', headers: app.admin })).json().tickets[0];
    expect(listed.sla.resolucion).toMatchObject({ estado: 'ok', pausado: false });
  });
});

describe('tickets without status history (seeded or imported)', () => {
  it('one "En espera" is paused since its last update, in the table and in the breach count', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0 + 300 * MIN);
    t = await buildTestApp({ SLA_PRIMERA_RESPUESTA_MIN: 'alta=60', SLA_RESOLUCION_H: 'alta=8', AUTO_ACK: 'off', SESSION_IDLE_MINUTES: '720' });
    const app = t;
    // Written straight to the table, as an import would: no StatusChange rows.
    const seeded = await t.app.puente.db.prisma.ticket.create({
      data: {
        numero: 'TKT-SEMBRADO', phone: '+5214771234567', phoneKey: '+524771234567', subject: 'Importado',
        status: 'on_hold', priority: 'alta', createdAt: new Date(T0), updatedAt: new Date(T0 + 20 * MIN),
      },
    });
    const listed = (await app.app.inject({ method: 'GET', url: '/api/tickets', headers: app.admin })).json().tickets;
    const sla = listed.find((ticket: { id: number }) => ticket.id === seeded.id).sla;
    // 20 minutes ran before it was put on hold; 280 minutes on hold did not count.
    expect(sla).toEqual({
      primera_respuesta: { vence: null, restante_min: 40, estado: 'ok', pausado: true },
      resolucion: { vence: null, restante_min: 460, estado: 'ok', pausado: true },
    });
    const stats = (await app.app.inject({ method: 'GET', url: '/api/estadisticas?desde=2026-11-30&hasta=2026-11-30', headers: app.admin })).json();
    expect(stats.total).toBe(1);
    expect(stats.sla_incumplidos).toEqual({ primera_respuesta: 0, resolucion: 0 });
  });
});

describe('GET /api/estadisticas: SLA breaches', () => {
  it('counts the period’s tickets whose clock is red, met late included', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    // The clock jumps past the idle limit between requests: the admin's session must outlast it.
    t = await buildTestApp({ SLA_PRIMERA_RESPUESTA_MIN: 'media=60,alta=60', SLA_RESOLUCION_H: 'media=1,alta=8', AUTO_ACK: 'off', SESSION_IDLE_MINUTES: '720' });
    const app = t;
    const as = (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object) =>
      app.app.inject({ method, url, headers: app.admin, ...(payload ? { payload } : {}) });
    const late = await createTicket(t, { priority: 'media' });
    const waiting = await createTicket(t, { priority: 'alta' });
    const answered = await createTicket(t, { priority: 'alta' });
    vi.setSystemTime(T0 + 10 * MIN);
    await as('PATCH', `/api/tickets/${waiting.id}`, { status: 'on_hold' });
    await as('POST', `/ticket/${answered.id}/enviar-mensaje`, { mensaje: 'Hola' });
    vi.setSystemTime(T0 + 90 * MIN);
    await as('POST', `/ticket/${late.id}/enviar-mensaje`, { mensaje: 'Perdón la demora' });

    const stats = (await as('GET', '/api/estadisticas?desde=2026-11-30&hasta=2026-11-30')).json();
    // late: first reply at 90 min (> 60) and unresolved past its 1 h; waiting: paused at 10 min;
    // answered: replied at 10 min, 80 of 480 min spent.
    expect(stats.sla_incumplidos).toEqual({ primera_respuesta: 1, resolucion: 1 });
    const before = (await as('GET', '/api/estadisticas?desde=2026-11-29&hasta=2026-11-29')).json();
    expect(before.sla_incumplidos).toEqual({ primera_respuesta: 0, resolucion: 0 });
  });

  it('reads each ticket’s stored outcome, and computes again only what changed since (a reply, a status, the targets)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const env = { SLA_PRIMERA_RESPUESTA_MIN: 'alta=60', SLA_RESOLUCION_H: 'alta=8', AUTO_ACK: 'off', SESSION_IDLE_MINUTES: '720' };
    t = await buildTestApp(env);
    const app = t;
    const as = (method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object) =>
      app.app.inject({ method, url, headers: app.admin, ...(payload ? { payload } : {}) });
    const breaches = async () => (await as('GET', '/api/estadisticas?desde=2026-11-30&hasta=2026-11-30')).json().sla_incumplidos;
    const db = t.app.puente.db;
    const policy = t.app.puente.config.sla;
    const bounds = periodBounds({ desde: '2026-11-30', hasta: '2026-11-30' }, policy.zone, db);
    const idle = await createTicket(t, { priority: 'alta' });
    const answered = await createTicket(t, { priority: 'alta' });
    const held = await createTicket(t, { priority: 'alta' });

    vi.setSystemTime(T0 + 10 * MIN);
    expect(await breaches()).toEqual({ primera_respuesta: 0, resolucion: 0 });
    expect(await settleOutcomes(db, policy, bounds)).toBe(0); // all three stored by the request
    vi.setSystemTime(T0 + 30 * MIN);
    await as('POST', `/ticket/${answered.id}/enviar-mensaje`, { mensaje: 'Hola' });
    await as('PATCH', `/api/tickets/${held.id}`, { status: 'on_hold' });

    // 90 min: idle's stored clock turned red at 60 without anything computed again; answered
    // (replied at 30) and held (paused at 30) changed, so theirs were computed anew: not red.
    vi.setSystemTime(T0 + 90 * MIN);
    expect(await settleOutcomes(db, policy, bounds)).toBe(2);
    expect(await breaches()).toEqual({ primera_respuesta: 1, resolucion: 0 });
    expect(await settleOutcomes(db, policy, bounds)).toBe(0);

    // Other targets: nothing stored under the old ones is reused (here idle's first reply is on time again).
    const relaxed = buildPolicy({ firstResponseMin: 'alta=120', resolutionH: 'alta=8', zone: policy.zone });
    expect(await countBreaches(db, relaxed, bounds)).toEqual({ primera_respuesta: 0, resolucion: 0 });
    expect(await settleOutcomes(db, relaxed, bounds)).toBe(0);
    expect(await settleOutcomes(db, policy, bounds)).toBe(3);
    expect((await breaches())).toEqual({ primera_respuesta: 1, resolucion: 0 });
    const stored = async (id: number) => prisma(app).slaOutcome.findUniqueOrThrow({ where: { ticketId: id } });
    expect(await stored(idle.id)).toMatchObject({ primera: 'vencido', resolucion: null, resolucionVence: new Date(T0 + 480 * MIN) });
    expect(await stored(answered.id)).toMatchObject({ primera: 'cumplido', resolucion: null, resolucionVence: new Date(T0 + 480 * MIN) });
    expect(await stored(held.id)).toMatchObject({ primera: null, primeraVence: null, resolucion: null, resolucionVence: null });
  });
});
