import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.ts';
import type { Priority } from '../contract/index.ts';
import { newNumero } from '../tickets/numero.ts';
import { periodBounds } from '../insight/stats.ts';
import { backfillOutcomes } from './backfill.ts';
import { settleOutcomes } from './breaches.ts';
import { policyKey, type SlaPolicy } from './policy.ts';
import { clocksFor } from './ticket-clocks.ts';

let t: TestApp | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

const JUNE = { desde: '2026-06-01', hasta: '2026-06-30' };
const HOUR = 3_600_000;
const TICKETS = 40;

const prisma = () => t!.app.puente.db.prisma;

/**
 * 40 tickets of June 2026 across the priorities: even ones answered 0–199 min after creation,
 * every third resolved 0–99 h after it, the rest still open. Which clocks are red depends on the
 * targets, so a change of targets changes the figures.
 */
async function seed() {
  const admin = await prisma().user.findFirstOrThrow();
  const priorities: Priority[] = ['urgente', 'alta', 'media', 'baja'];
  for (let i = 0; i < TICKETS; i++) {
    const created = Date.parse('2026-06-10T12:00:00Z') + i * HOUR;
    const resolved = i % 3 === 0 ? new Date(created + ((i * 5) % 100) * HOUR) : null;
    const row = await prisma().ticket.create({
      data: {
        numero: newNumero(), phone: '+5214771234567', phoneKey: '+524771234567', subject: `Seed ${i}`,
        status: resolved ? 'resolved' : i % 2 ? 'open' : 'in_progress', priority: priorities[i % 4]!,
        createdAt: new Date(created), updatedAt: new Date(resolved ?? created), resolvedAt: resolved,
      },
    });
    if (i % 2 === 0) {
      const at = new Date(created + ((i * 7) % 200) * 60_000).toISOString();
      await prisma().message.create({ data: { ticketId: row.id, role: 'tecnico', content: 'respuesta', timestamp: at, authorId: admin.id, createdAt: new Date(at) } });
    }
  }
}

/** Red clocks as GET /api/tickets computes them now, every ticket walked, nothing stored read. */
async function live(policy: SlaPolicy) {
  const tickets = await prisma().ticket.findMany({ select: { id: true, status: true, priority: true, createdAt: true, updatedAt: true, resolvedAt: true } });
  const clocks = await clocksFor(t!.app.puente.db, policy, tickets.map((ticket) => ({
    ...ticket, priority: ticket.priority as Priority, createdAt: ticket.createdAt.toISOString(), updatedAt: ticket.updatedAt.toISOString(), resolvedAt: ticket.resolvedAt?.toISOString() ?? null,
  })));
  const red = (key: 'primera_respuesta' | 'resolucion') => [...clocks.values()].filter((sla) => sla[key].estado === 'vencido').length;
  return { primera_respuesta: red('primera_respuesta'), resolucion: red('resolucion') };
}

const statsOf = async () => {
  const response = await t!.app.inject({ method: 'GET', url: `/api/estadisticas?desde=${JUNE.desde}&hasta=${JUNE.hasta}`, headers: t!.admin });
  expect(response.statusCode).toBe(200);
  return response.json().sla_incumplidos;
};

const context = () => {
  const { db, config } = t!.app.puente;
  return { db, policy: config.sla, bounds: periodBounds(JUNE, config.sla.zone, db) };
};

describe('SLA outcome backfill', () => {
  it('fills the outcomes at start, again when the targets change, and the figures equal the live clocks', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-backfill-'));
    t = await buildTestApp({}, { dataDir });
    await t.app.puente.outcomes.idle();
    await seed();
    // Nothing stored yet (the pass at start found an empty table): the request computes them itself.
    const before = await live(context().policy);
    expect(before.primera_respuesta).toBeGreaterThan(0);
    expect(before.resolucion).toBeGreaterThan(0);
    expect(await statsOf()).toEqual(before);
    // A database whose settled tickets have no outcome (as after the upgrade that added the table).
    await prisma().slaOutcome.deleteMany();
    await t.close();

    t = await buildTestApp({}, { dataDir });
    await t.app.puente.outcomes.idle();
    const { db, policy, bounds } = context();
    const stored = await prisma().slaOutcome.findMany();
    expect(stored).toHaveLength(TICKETS);
    expect(new Set(stored.map((row) => row.policy))).toEqual(new Set([policyKey(policy)]));
    expect(await settleOutcomes(db, policy, bounds)).toBe(0); // a request finds nothing left to compute
    expect(await statsOf()).toEqual(before);
    await t.close();

    // Other targets: every stored outcome is stale, the next start computes them all again.
    t = await buildTestApp({ SLA_PRIMERA_RESPUESTA_MIN: 'urgente=600,alta=600,media=600,baja=600', SLA_RESOLUCION_H: 'urgente=200,alta=200' }, { dataDir });
    await t.app.puente.outcomes.idle();
    const relaxed = context();
    expect(t.app.puente.outcomes.computed).toBe(TICKETS);
    const restored = await prisma().slaOutcome.findMany();
    expect(new Set(restored.map((row) => row.policy))).toEqual(new Set([policyKey(relaxed.policy)]));
    expect(await settleOutcomes(relaxed.db, relaxed.policy, relaxed.bounds)).toBe(0);
    const after = await live(relaxed.policy);
    expect(after).not.toEqual(before);
    expect(await statsOf()).toEqual(after);
  }, 90_000); // three app starts: slow on a loaded machine

  it('newest first, resumable where a pass stopped, and two passes at once store the same rows', async () => {
    t = await buildTestApp();
    await t.app.puente.outcomes.idle();
    await seed();
    const { db, policy } = context();
    const ids = (await prisma().ticket.findMany({ select: { id: true }, orderBy: { id: 'desc' } })).map((row) => row.id);

    let pages = 0;
    expect(await backfillOutcomes(db, policy, { pageSize: 10, stopped: () => pages++ >= 1 })).toBe(10);
    expect((await prisma().slaOutcome.findMany({ orderBy: { ticketId: 'desc' } })).map((row) => row.ticketId)).toEqual(ids.slice(0, 10));
    expect(await backfillOutcomes(db, policy, { pageSize: 10 })).toBe(TICKETS - 10);
    expect(await backfillOutcomes(db, policy, { pageSize: 10 })).toBe(0);
    const sequential = await prisma().slaOutcome.findMany({ orderBy: { ticketId: 'asc' } });

    await prisma().slaOutcome.deleteMany();
    const [a, b] = await Promise.all([backfillOutcomes(db, policy, { pageSize: 7 }), backfillOutcomes(db, policy, { pageSize: 7 })]);
    expect(a + b).toBeGreaterThanOrEqual(TICKETS);
    expect(await prisma().slaOutcome.findMany({ orderBy: { ticketId: 'asc' } })).toEqual(sequential);
    expect(await statsOf()).toEqual(await live(policy));
  });
});
