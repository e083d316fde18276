// The raw SQL of the statistics and exports on tickets and people, in both dialects (what they
// read of the Message table is in server/messages/reads.ts). Dates are
// Prisma's DateTime columns: ISO-8601 text with "+00:00" on SQLite (the same width for every
// row, so range tests compare them as text and use the createdAt index), timestamps in UTC on
// PostgreSQL. PostgreSQL's text quotes Prisma's camelCase identifiers and types the parameters
// it cannot infer.
import type { Statement } from '../db/database.ts';
import { medianSql } from '../db/median.ts';

/** Tickets created in [:desde, :hasta) — the period every figure is about. */
const PERIOD = {
  sqlite: `SELECT id, status, priority, unread, assigneeId, createdAt, resolvedAt, rating FROM Ticket
  WHERE createdAt >= :desde AND createdAt < :hasta`,
  postgres: `SELECT id, status, priority, unread, "assigneeId", "createdAt", "resolvedAt", rating FROM "Ticket"
  WHERE "createdAt" >= :desde::timestamp AND "createdAt" < :hasta::timestamp`,
};

export const COUNTS: Statement = {
  sqlite: `WITH t AS (${PERIOD.sqlite})
  SELECT 'estado' AS grupo, status AS clave, COUNT(*) AS n FROM t GROUP BY status
  UNION ALL SELECT 'prioridad', priority, COUNT(*) FROM t GROUP BY priority
  UNION ALL SELECT 'sin_leer', '', COUNT(*) FROM t WHERE unread > 0`,
  postgres: `WITH t AS (${PERIOD.postgres})
  SELECT 'estado' AS grupo, status AS clave, COUNT(*) AS n FROM t GROUP BY status
  UNION ALL SELECT 'prioridad', priority, COUNT(*) FROM t GROUP BY priority
  UNION ALL SELECT 'sin_leer', '', COUNT(*) FROM t WHERE unread > 0`,
};

/** Hours from creation to resolution of the period's resolved (or since closed) tickets. */
export const RESOLUTION_MEDIAN: Statement = {
  sqlite: `WITH t AS (${PERIOD.sqlite}),
  res AS (SELECT 0 AS g, (julianday(resolvedAt) - julianday(createdAt)) * 24.0 AS v FROM t WHERE resolvedAt IS NOT NULL),
  ${medianSql('res', 'g')}`,
  postgres: `WITH t AS (${PERIOD.postgres}),
  res AS (SELECT 0 AS g, EXTRACT(EPOCH FROM ("resolvedAt" - "createdAt"))::float8 / 3600.0 AS v FROM t WHERE "resolvedAt" IS NOT NULL),
  ${medianSql('res', 'g')}`,
};

/** Satisfaction answers (1–5) of the period's tickets. */
export const RATINGS: Statement = {
  sqlite: `WITH t AS (${PERIOD.sqlite}) SELECT COUNT(rating) AS n, AVG(rating) AS media FROM t`,
  postgres: `WITH t AS (${PERIOD.postgres}) SELECT COUNT(rating) AS n, AVG(rating) AS media FROM t`,
};

/** Per technician: tickets of the period by assignee, replies written during it by author. */
export const TICKETS_BY_ASSIGNEE: Statement = {
  sqlite: `WITH t AS (${PERIOD.sqlite})
  SELECT assigneeId AS id, COUNT(*) AS n FROM t WHERE assigneeId IS NOT NULL GROUP BY assigneeId`,
  postgres: `WITH t AS (${PERIOD.postgres})
  SELECT "assigneeId" AS id, COUNT(*) AS n FROM t WHERE "assigneeId" IS NOT NULL GROUP BY "assigneeId"`,
};

export const PEOPLE: Statement = {
  sqlite: `SELECT id, coalesce(displayName, username) AS nombre, active FROM User ORDER BY id`,
  postgres: `SELECT id, coalesce("displayName", username) AS nombre, active FROM "User" ORDER BY id`,
};

/**
 * One page of the export: the ticket table's filters (see tickets.ts), newest first, after the
 * last id of the previous page. Keyset pages keep each read short and memory bounded.
 */
export const EXPORT_PAGE: Statement = {
  sqlite: `SELECT t.*, coalesce(u.displayName, u.username) AS tecnico FROM Ticket t
  LEFT JOIN User u ON u.id = t.assigneeId
  WHERE t.id < :after
    AND (:status IS NULL OR t.status = :status)
    AND (:priority IS NULL OR t.priority = :priority)
    AND (:category IS NULL OR t.category = :category)
    AND (:assignee IS NULL OR t.assigneeId = :assignee OR (:assignee = 0 AND t.assigneeId IS NULL))
    AND (:text IS NULL
      OR instr(lower(t.subject), :text) OR instr(lower(coalesce(t.name, '')), :text)
      OR instr(lower(coalesce(t.description, '')), :text)
      OR instr(t.phone, :digits) OR t.phoneKey = :line OR t.id = :id OR t.numero = :numero)
  ORDER BY t.id DESC LIMIT :limit`,
  postgres: `SELECT t.*, coalesce(u."displayName", u.username) AS tecnico FROM "Ticket" t
  LEFT JOIN "User" u ON u.id = t."assigneeId"
  WHERE t.id < :after::bigint
    AND (:status::text IS NULL OR t.status = :status)
    AND (:priority::text IS NULL OR t.priority = :priority)
    AND (:category::text IS NULL OR t.category = :category)
    AND (:assignee::int IS NULL OR t."assigneeId" = :assignee OR (:assignee = 0 AND t."assigneeId" IS NULL))
    AND (:text::text IS NULL
      OR strpos(lower(t.subject), :text) > 0 OR strpos(lower(coalesce(t.name, '')), :text) > 0
      OR strpos(lower(coalesce(t.description, '')), :text) > 0
      OR strpos(t.phone, :digits::text) > 0 OR t."phoneKey" = :line OR t.id = :id::bigint OR t.numero = :numero::text)
  ORDER BY t.id DESC LIMIT :limit`,
};
