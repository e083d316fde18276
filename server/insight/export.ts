import type { Db } from '../db/database.ts';
import { fromTicketRow, ticketFilterParams, type Status, type TicketFilter, type TicketRow } from '../tickets/tickets.ts';
import { localTime } from './local-time.ts';
import { EXPORT_PAGE } from './queries.ts';

const PAGE = 500;

export type ExportFilter = TicketFilter;

export const STATUS_LABEL: Record<Status, string> = {
  open: 'Abierto',
  in_progress: 'En proceso',
  on_hold: 'En espera',
  resolved: 'Resuelto',
  closed: 'Cerrado',
};

export const CSV_COLUMNS = [
  'id',
  'numero',
  'telefono',
  'nombre',
  'asunto',
  'estado',
  'prioridad',
  'categoria',
  'tecnico',
  'sin_leer',
  'creado',
  'ultimo_mensaje',
  'resuelto',
] as const;

/** The columns holding an instant: shown in SLA_ZONA_HORARIA, and their header names the zone. */
export const DATE_COLUMNS = new Set<string>(['creado', 'ultimo_mensaje', 'resuelto']);

/** `creado (America/Mexico_City)`: a reader of the file knows which clock its times are on. */
export const columnTitle = (column: (typeof CSV_COLUMNS)[number], zone: string) => (DATE_COLUMNS.has(column) ? `${column} (${zone})` : column);

export interface ExportRow {
  id: number;
  numero: string;
  telefono: string;
  nombre: string | null;
  asunto: string;
  estado: string;
  prioridad: string;
  categoria: string | null;
  tecnico: string | null;
  sin_leer: number;
  creado: string;
  ultimo_mensaje: string | null;
  resuelto: string | null;
}

/**
 * The filtered ticket list, newest first, read 500 rows at a time: however many tickets match,
 * only one page is in memory, and no read holds the database for the whole download.
 */
export async function* exportRows(db: Db, filter: ExportFilter): AsyncGenerator<ExportRow> {
  const params = ticketFilterParams(filter);
  let after = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = await db.all<TicketRow & { tecnico: string | null }>(EXPORT_PAGE, { ...params, after, limit: PAGE });
    for (const row of rows) {
      const ticket = fromTicketRow(row);
      yield {
        id: ticket.id,
        numero: ticket.numero,
        telefono: ticket.phone,
        nombre: ticket.name,
        asunto: ticket.subject,
        estado: STATUS_LABEL[ticket.status] ?? ticket.status,
        prioridad: ticket.priority,
        categoria: ticket.category,
        tecnico: row.tecnico,
        sin_leer: ticket.unread,
        creado: ticket.createdAt,
        ultimo_mensaje: ticket.lastMessageAt,
        resuelto: ticket.resolvedAt,
      };
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
    // Let other requests run between pages.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * RFC 4180 quoting. Text starting with = @ (or + - not followed by a plain number, so phones stay
 * as they are) gets a leading ' so a spreadsheet never runs a cell as a formula.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && (/^[=@\t\r]/.test(text) || /^[+-](?![\d\s]+$)/.test(text))) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * UTF-8 with a BOM, CRLF lines: Excel then opens it with accents intact. Times are the zone's wall
 * time as `2026-03-02 04:05:06`, which Excel reads as a date (an offset would make it text).
 */
export async function* csvLines(rows: AsyncIterable<ExportRow>, zone: string): AsyncGenerator<string> {
  yield `\uFEFF${CSV_COLUMNS.map((column) => csvField(columnTitle(column, zone))).join(',')}\r\n`;
  const cell = (row: ExportRow, column: (typeof CSV_COLUMNS)[number]) => {
    const value = row[column];
    return csvField(DATE_COLUMNS.has(column) && typeof value === 'string' ? localTime(value, zone) : value);
  };
  let batch = '';
  let count = 0;
  for await (const row of rows) {
    batch += `${CSV_COLUMNS.map((column) => cell(row, column)).join(',')}\r\n`;
    if (++count % PAGE === 0) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}
