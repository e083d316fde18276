import type { Db, Statement } from '../db/database.ts';
import type { Priority } from '../contract/index.ts';
import type { SlaPolicy } from './policy.ts';
import { clocksFor } from './ticket-clocks.ts';

export interface Breaches {
  primera_respuesta: number;
  resolucion: number;
}

// Keyset pages of the period's tickets: the same computation as the table's, never the whole
// period (nor any message body) in memory at once.
const PAGE: Statement = {
  sqlite: `SELECT id, status, priority, createdAt, updatedAt, resolvedAt FROM Ticket
  WHERE createdAt >= :desde AND createdAt < :hasta AND id > :after ORDER BY id LIMIT 500`,
  postgres: `SELECT id, status, priority, "createdAt", "updatedAt", "resolvedAt" FROM "Ticket"
  WHERE "createdAt" >= :desde AND "createdAt" < :hasta AND id > :after ORDER BY id LIMIT 500`,
};

type Row = { id: number; status: string; priority: Priority; createdAt: string; updatedAt: string; resolvedAt: string | null };

/** Tickets created in [desde, hasta) whose clock is red (due and unmet, or met late). */
export async function countBreaches(db: Db, policy: SlaPolicy, bounds: { desde: unknown; hasta: unknown }, now = new Date()): Promise<Breaches> {
  const breaches = { primera_respuesta: 0, resolucion: 0 };
  for (let after = 0; ; ) {
    const page = await db.all<Row>(PAGE, { ...bounds, after });
    if (page.length === 0) return breaches;
    for (const clocks of (await clocksFor(db, policy, page, now)).values()) {
      if (clocks.primera_respuesta.estado === 'vencido') breaches.primera_respuesta += 1;
      if (clocks.resolucion.estado === 'vencido') breaches.resolucion += 1;
    }
    after = page[page.length - 1].id;
  }
}
