import { timeFor, type Db, type Statement } from '../db/database.ts';
import type { Statistics, TechnicianStats } from '../contract/index.ts';
import { countBreaches } from '../sla/breaches.ts';
import type { SlaPolicy } from '../sla/policy.ts';
import { startOfLocalDay } from '../sla/schedule.ts';
import { PRIORITIES, STATUSES, type Priority, type Status } from '../tickets/tickets.ts';
import { firstReplyMedians, repliesByAuthor } from '../messages/index.ts';
import { COUNTS, RATINGS, PEOPLE, RESOLUTION_MEDIAN, TICKETS_BY_ASSIGNEE } from './queries.ts';

export interface Period {
  /** First day, inclusive (YYYY-MM-DD, a calendar day in SLA_ZONA_HORARIA). */
  desde: string;
  /** Last day, inclusive (YYYY-MM-DD, a calendar day in SLA_ZONA_HORARIA). */
  hasta: string;
}

const DAY_MS = 86_400_000;

/**
 * The period as the half-open range of instants the queries compare createdAt with: from local
 * midnight of `desde` to local midnight after `hasta`, in the configured zone (a help desk's
 * Tuesday is its own, not UTC's; a DST day is 23 or 25 hours long).
 */
export function periodBounds(period: Period, zone: string, db: Pick<Db, 'dialect'> = { dialect: 'sqlite' }) {
  const start = new Date(startOfLocalDay(period.desde, zone));
  const next = new Date(Date.parse(`${period.hasta}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  return { desde: timeFor(db, start), hasta: timeFor(db, new Date(startOfLocalDay(next, zone))) };
}

const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const round1 = (value: number | null | undefined) => (value == null ? null : Math.round(value * 10) / 10);

/** The dashboard's figures, all computed by the database: a handful of grouped rows reach Node. */
export async function statistics(db: Db, period: Period, sla: SlaPolicy): Promise<Statistics> {
  const bounds = periodBounds(period, sla.zone, db);
  const por_estado = zeroes(STATUSES);
  const por_prioridad = zeroes(PRIORITIES);
  let sin_leer = 0;
  for (const row of await db.all<{ grupo: string; clave: string; n: number }>(COUNTS, bounds)) {
    if (row.grupo === 'estado') por_estado[row.clave as Status] = row.n;
    else if (row.grupo === 'prioridad') por_prioridad[row.clave as Priority] = row.n;
    else sin_leer = row.n;
  }
  const firstReply = await firstReplyMedians(db, bounds);
  const resolution = await medians(db, RESOLUTION_MEDIAN, bounds);
  const [ratings] = await db.all<{ n: number; media: number | null }>(RATINGS, bounds);
  return {
    desde: period.desde,
    hasta: period.hasta,
    zona_horaria: sla.zone,
    total: Object.values(por_estado).reduce((sum, n) => sum + n, 0),
    por_estado,
    por_prioridad,
    sin_leer,
    primera_respuesta_mediana_min: round1(firstReply.get(0)),
    resolucion_mediana_h: round1(resolution.get(0)),
    valoraciones: ratings.n,
    satisfaccion_media: round1(ratings.media),
    por_tecnico: await perTechnician(db, bounds, firstReply),
    sla_incumplidos: await countBreaches(db, sla, bounds),
  };
}

async function medians(db: Db, sql: Statement, bounds: { desde: string; hasta: string }): Promise<Map<number, number>> {
  const rows = await db.all<{ grupo: number; mediana: number }>(sql, bounds);
  return new Map(rows.map((row) => [row.grupo, row.mediana]));
}

const countsById = (rows: unknown[]) => new Map((rows as { id: number; n: number }[]).map((row) => [row.id, row.n]));

/** Active accounts, and any deactivated one that still has tickets or replies in the period. */
async function perTechnician(db: Db, bounds: { desde: string; hasta: string }, firstReply: Map<number, number>): Promise<TechnicianStats[]> {
  const tickets = countsById(await db.all(TICKETS_BY_ASSIGNEE, bounds));
  const replies = await repliesByAuthor(db, bounds);
  const people = await db.all<{ id: number; nombre: string; active: number | boolean }>(PEOPLE);
  return people
    .filter((person) => person.active || tickets.has(person.id) || replies.has(person.id))
    .map((person) => ({
      id: person.id,
      nombre: person.nombre,
      tickets: tickets.get(person.id) ?? 0,
      respuestas: replies.get(person.id) ?? 0,
      primera_respuesta_mediana_min: round1(firstReply.get(person.id)),
    }));
}
