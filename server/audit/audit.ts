import type { Db } from '../db/database.ts';

/** One line of the audit log, as stored and as GET /api/auditoria answers it. */
export interface AuditInput {
  actor: string | null;
  actorId?: number | null;
  action: string;
  target?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: Db, event: AuditInput, at = new Date()): Promise<void> {
  await db.write((tx) =>
    tx.auditEvent.create({
      data: {
        at,
        actor: event.actor,
        actorId: event.actorId ?? null,
        action: event.action,
        target: event.target ?? null,
        ip: event.ip ?? null,
        detail: event.detail ? JSON.stringify(event.detail) : null,
      },
    }),
  );
}

/** Drops events older than the retention; returns how many went. */
export async function pruneAudit(db: Db, retentionDays: number, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  const { count } = await db.write((tx) => tx.auditEvent.deleteMany({ where: { at: { lt: before } } }));
  return count;
}

export interface AuditQuery {
  pagina: number;
  por_pagina: number;
  accion?: string;
  actor?: string;
  desde?: Date;
  hasta?: Date;
}

/** Newest first, a page at a time. */
export async function listAudit(db: Db, query: AuditQuery) {
  const where = {
    ...(query.accion ? { action: query.accion } : {}),
    ...(query.actor ? { actor: query.actor } : {}),
    ...(query.desde || query.hasta ? { at: { ...(query.desde ? { gte: query.desde } : {}), ...(query.hasta ? { lt: query.hasta } : {}) } } : {}),
  };
  const rows = await db.prisma.auditEvent.findMany({
    where,
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    skip: (query.pagina - 1) * query.por_pagina,
    take: query.por_pagina + 1, // one more tells whether another page follows
  });
  return {
    eventos: rows.slice(0, query.por_pagina).map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: row.actor,
      action: row.action,
      target: row.target,
      ip: row.ip,
      detail: row.detail ? (JSON.parse(row.detail) as unknown) : null,
    })),
    hay_mas: rows.length > query.por_pagina,
  };
}
