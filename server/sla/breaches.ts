import { timeFor, type Db, type Statement } from '../db/database.ts';
import type { Priority, SlaBreaches, SlaClock } from '../contract/index.ts';
import { policyKey, type SlaPolicy } from './policy.ts';
import { clocksFor } from './ticket-clocks.ts';

// The breach count reads one stored outcome per ticket (SlaOutcome, see prisma/schema.prisma)
// instead of computing every clock of the period on each request (a whole year was 25× a full
// scan of Message). A ticket whose stored outcome is missing or stale (the ticket changed since,
// or the targets did) is computed as the table computes it, 500 at a time, and stored again.

/** The period's tickets without a valid stored outcome, one keyset page. */
const STALE_PAGE: Statement = {
  sqlite: `SELECT t.id, t.status, t.priority, t.createdAt, t.updatedAt, t.resolvedAt FROM Ticket t
  LEFT JOIN SlaOutcome s ON s.ticketId = t.id AND s.base = t.updatedAt AND s.policy = :policy
  WHERE t.createdAt >= :desde AND t.createdAt < :hasta AND t.id > :after AND s.ticketId IS NULL
  ORDER BY t.id LIMIT 500`,
  postgres: `SELECT t.id, t.status, t.priority, t."createdAt", t."updatedAt", t."resolvedAt" FROM "Ticket" t
  LEFT JOIN "SlaOutcome" s ON s."ticketId" = t.id AND s.base = t."updatedAt" AND s.policy = :policy
  WHERE t."createdAt" >= :desde::timestamp AND t."createdAt" < :hasta::timestamp AND t.id > :after AND s."ticketId" IS NULL
  ORDER BY t.id LIMIT 500`,
};

/** One page of outcomes, written in one statement: a JSON array of {id, base, p, pv, r, rv}. */
const STORE: Statement = {
  sqlite: `INSERT INTO SlaOutcome (ticketId, base, policy, primera, primeraVence, resolucion, resolucionVence)
  SELECT json_extract(value, '$.id'), json_extract(value, '$.base'), :policy, json_extract(value, '$.p'),
    json_extract(value, '$.pv'), json_extract(value, '$.r'), json_extract(value, '$.rv')
  FROM json_each(:rows) WHERE true
  ON CONFLICT (ticketId) DO UPDATE SET base = excluded.base, policy = excluded.policy, primera = excluded.primera,
    primeraVence = excluded.primeraVence, resolucion = excluded.resolucion, resolucionVence = excluded.resolucionVence`,
  postgres: `INSERT INTO "SlaOutcome" ("ticketId", base, policy, primera, "primeraVence", resolucion, "resolucionVence")
  SELECT j.id, j.base::timestamp, :policy, j.p, j.pv::timestamp, j.r, j.rv::timestamp
  FROM jsonb_to_recordset(:rows::jsonb) AS j(id int, base text, p text, pv text, r text, rv text)
  ON CONFLICT ("ticketId") DO UPDATE SET base = EXCLUDED.base, policy = EXCLUDED.policy, primera = EXCLUDED.primera,
    "primeraVence" = EXCLUDED."primeraVence", resolucion = EXCLUDED.resolucion, "resolucionVence" = EXCLUDED."resolucionVence"`,
};

/** Red now: settled as breached, or still running past the instant it turns red. */
const COUNT: Statement = {
  sqlite: `SELECT
    COALESCE(SUM(CASE WHEN s.primera = 'vencido' OR (s.primera IS NULL AND s.primeraVence <= :now) THEN 1 ELSE 0 END), 0) AS primera,
    COALESCE(SUM(CASE WHEN s.resolucion = 'vencido' OR (s.resolucion IS NULL AND s.resolucionVence <= :now) THEN 1 ELSE 0 END), 0) AS resolucion
  FROM Ticket t JOIN SlaOutcome s ON s.ticketId = t.id AND s.base = t.updatedAt AND s.policy = :policy
  WHERE t.createdAt >= :desde AND t.createdAt < :hasta`,
  postgres: `SELECT
    COALESCE(SUM(CASE WHEN s.primera = 'vencido' OR (s.primera IS NULL AND s."primeraVence" <= :now::timestamp) THEN 1 ELSE 0 END), 0) AS primera,
    COALESCE(SUM(CASE WHEN s.resolucion = 'vencido' OR (s.resolucion IS NULL AND s."resolucionVence" <= :now::timestamp) THEN 1 ELSE 0 END), 0) AS resolucion
  FROM "Ticket" t JOIN "SlaOutcome" s ON s."ticketId" = t.id AND s.base = t."updatedAt" AND s.policy = :policy
  WHERE t."createdAt" >= :desde::timestamp AND t."createdAt" < :hasta::timestamp`,
};

export type Row = { id: number; status: string; priority: Priority; createdAt: string; updatedAt: string; resolvedAt: string | null };

/** What of a clock stays true until the ticket changes: its final state, or the instant it turns red. */
function stored(db: Db, clock: SlaClock): [string | null, string | null] {
  if (clock.estado === 'vencido' || clock.estado === 'cumplido') return [clock.estado, null];
  return [null, clock.vence && timeFor(db, new Date(clock.vence))];
}

/**
 * Computes the clocks of one page of tickets and stores their outcomes under `key` (an upsert:
 * two processes or a request and the backfill storing the same ticket write the same row).
 */
export async function storeOutcomes(db: Db, policy: SlaPolicy, key: string, page: Row[], now = new Date()): Promise<void> {
  const clocks = await clocksFor(db, policy, page, now);
  const rows = page.map((ticket) => {
    const sla = clocks.get(ticket.id)!;
    const [p, pv] = stored(db, sla.primera_respuesta);
    const [r, rv] = stored(db, sla.resolucion);
    // The ticket's updatedAt exactly as read: if it changed meanwhile, the row is stale at once.
    return { id: ticket.id, base: ticket.updatedAt, p, pv, r, rv };
  });
  await db.run(STORE, { policy: key, rows: JSON.stringify(rows) });
}

/** Computes and stores the outcome of each of the period's tickets that has none valid; how many it computed. */
export async function settleOutcomes(db: Db, policy: SlaPolicy, bounds: { desde: string; hasta: string }, now = new Date()): Promise<number> {
  const key = policyKey(policy);
  let computed = 0;
  for (let after = 0; ; ) {
    const page = await db.all<Row>(STALE_PAGE, { ...bounds, policy: key, after });
    if (page.length === 0) return computed;
    await storeOutcomes(db, policy, key, page, now);
    computed += page.length;
    after = page[page.length - 1].id;
  }
}

/**
 * Tickets created in [desde, hasta) whose clock is red (due and unmet, or met late). A ticket
 * that changes while this runs counts as the next request will see it.
 */
export async function countBreaches(db: Db, policy: SlaPolicy, bounds: { desde: string; hasta: string }, now = new Date()): Promise<SlaBreaches> {
  await settleOutcomes(db, policy, bounds, now);
  const [counts] = await db.all<{ primera: number; resolucion: number }>(COUNT, { ...bounds, policy: policyKey(policy), now: timeFor(db, now) });
  return { primera_respuesta: Number(counts.primera), resolucion: Number(counts.resolucion) };
}
