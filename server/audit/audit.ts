import type { AuditPage } from '../contract/index.ts';
import type { Db, Tx } from '../db/database.ts';

/** Every action the log records; the console names each one (console/lib/labels.ts). */
export const AUDIT_ACTIONS = [
  'login', 'login_fallido', 'login_bloqueado', 'logout', 'sesiones_cerradas',
  'contrasena_cambiada', 'contrasena_fallida', 'contrasena_bloqueada', 'contrasena_restablecida',
  'cuenta_creada', 'cuenta_desactivada', 'cuenta_reactivada', 'token_creado', 'token_revocado',
  'whatsapp_vinculado', 'whatsapp_enlazado', 'whatsapp_desvinculado', 'whatsapp_desvinculado_telefono',
  'exporte_csv', 'exporte_xlsx', 'exporte_pdf', 'exporte_transcripcion',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of the audit log, as stored and as GET /api/auditoria answers it. */
export interface AuditInput {
  actor: string | null;
  actorId?: number | null;
  action: AuditAction;
  target?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Inside the transaction of the change it records: both commit or neither does, so the log never
 * misses a change that happened nor tells of one that did not. Its failure fails the change.
 */
export async function writeAudit(tx: Tx, event: AuditInput, at = new Date()): Promise<void> {
  await tx.auditEvent.create({
    data: {
      at,
      actor: event.actor,
      actorId: event.actorId ?? null,
      action: event.action,
      target: event.target ?? null,
      ip: event.ip ?? null,
      detail: event.detail ? JSON.stringify(event.detail) : null,
    },
  });
}

/** An event of its own (a refused login, an export, a WhatsApp link): awaited before the answer, and a failure is the request's failure. */
export async function recordAudit(db: Db, event: AuditInput, at = new Date()): Promise<void> {
  await db.write((tx) => writeAudit(tx, event, at));
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
export async function listAudit(db: Db, query: AuditQuery): Promise<AuditPage> {
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
