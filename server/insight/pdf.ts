import fs from 'node:fs';
import type { Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { TicketView } from '../tickets/tickets.ts';
import { STATUS_LABEL, type ExportRow } from './export.ts';
import { localTime } from './local-time.ts';
import { transcriptPage, type TranscriptRow } from '../messages/index.ts';

// DejaVu covers far more than the PDF standard fonts' Latin-1 (Debian ships it with Chromium's
// dependencies); without it, Helvetica still shows Spanish accents.
const UNICODE_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const UNICODE_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

function newDocument(layout: 'portrait' | 'landscape', title: string) {
  const doc = new PDFDocument({ size: 'A4', layout, margin: 36, info: { Title: title, Creator: 'Puente' } });
  const unicode = fs.existsSync(UNICODE_FONT) && fs.existsSync(UNICODE_BOLD);
  doc.registerFont('texto', unicode ? UNICODE_FONT : 'Helvetica');
  doc.registerFont('negrita', unicode ? UNICODE_BOLD : 'Helvetica-Bold');
  doc.font('texto');
  return doc;
}

/** The zone's wall time, to the minute (text that is no date is shown as it is). */
const when = (iso: string | null, zone: string) => (iso ? localTime(iso, zone, false) : '');

/** Writes as the pages arrive; an error mid-way ends the download instead of hanging it. */
function pump(doc: PDFKit.PDFDocument, work: () => Promise<void>, log: Logger): Readable {
  work()
    .then(() => doc.end())
    .catch((err) => {
      log.error({ err }, 'pdf export failed');
      doc.destroy(err as Error);
    });
  return doc;
}

const LIST_COLUMNS: { key: keyof ExportRow; title: string; width: number }[] = [
  { key: 'numero', title: 'Ticket', width: 70 },
  { key: 'telefono', title: 'Teléfono', width: 95 },
  { key: 'nombre', title: 'Nombre', width: 100 },
  { key: 'asunto', title: 'Asunto', width: 175 },
  { key: 'estado', title: 'Estado', width: 65 },
  { key: 'prioridad', title: 'Prioridad', width: 55 },
  { key: 'tecnico', title: 'Técnico', width: 90 },
  { key: 'creado', title: 'Creado', width: 100 },
];

/** The filtered ticket list as a landscape table, one line per ticket, headers on every page; times in `zone`. */
export function ticketListPdf(rows: AsyncIterable<ExportRow>, zone: string, log: Logger): Readable {
  const doc = newDocument('landscape', 'Tickets');
  const bottom = () => doc.page.height - doc.page.margins.bottom - 14;
  const line = (cells: string[], bold = false) => {
    doc.font(bold ? 'negrita' : 'texto').fontSize(8);
    let x = doc.page.margins.left;
    const y = doc.y;
    cells.forEach((text, i) => {
      const width = LIST_COLUMNS[i]!.width;
      doc.text(text, x, y, { width: width - 4, height: 11, ellipsis: true, lineBreak: false });
      x += width;
    });
    doc.x = doc.page.margins.left;
    doc.y = y + 13;
  };
  const header = () => line(LIST_COLUMNS.map((column) => column.title), true);
  return pump(
    doc,
    async () => {
      doc.font('negrita').fontSize(14).text('Tickets');
      doc.font('texto').fontSize(8).text(`Generado ${when(new Date().toISOString(), zone)} · horas de ${zone}`).moveDown(0.5);
      header();
      let count = 0;
      for await (const row of rows) {
        if (doc.y > bottom()) {
          doc.addPage();
          header();
        }
        line(LIST_COLUMNS.map(({ key }) => (key === 'creado' ? when(row.creado, zone) : String(row[key] ?? ''))));
        count++;
      }
      if (count === 0) doc.text('Ningún ticket coincide con los filtros.');
    },
    log,
  );
}

const SPEAKER: Record<string, string> = { user: 'Usuario', assistant: 'Sistema', tecnico: 'Técnico', nota: 'Nota interna' };

/** An attachment's name when the entry carries one (files helper's `adjunto`), else its kind. */
function attachmentOf(row: TranscriptRow): string | null {
  const extra = row.extra ? (JSON.parse(row.extra) as { adjunto?: { nombre?: string; tipo?: string } }) : {};
  if (extra.adjunto) return `${extra.adjunto.nombre ?? 'archivo'}${extra.adjunto.tipo ? ` (${extra.adjunto.tipo})` : ''}`;
  return row.kind !== 'text' ? row.kind : null;
}

/** A ticket's conversation, oldest first, read 500 entries at a time; times in `options.zone`. */
export function transcriptPdf(db: Db, ticket: TicketView, options: { notas: boolean; zone: string }, log: Logger): Readable {
  const { zone } = options;
  const doc = newDocument('portrait', `Ticket ${ticket.numero}`);
  return pump(
    doc,
    async () => {
      doc.font('negrita').fontSize(14).text(`Ticket ${ticket.numero}: ${ticket.subject}`);
      doc.font('texto').fontSize(9);
      doc.text(`${ticket.name ?? 'Sin nombre'} · ${ticket.phone} · ${STATUS_LABEL[ticket.status] ?? ticket.status} · prioridad ${ticket.priority}${ticket.category ? ` · ${ticket.category}` : ''}`);
      doc.text(`Creado ${when(ticket.createdAt, zone)}${ticket.resolvedAt ? ` · resuelto ${when(ticket.resolvedAt, zone)}` : ''} · horas de ${zone}`);
      if (ticket.rating !== null) doc.text(`Valoración del usuario: ${ticket.rating} de 5`);
      doc.moveDown();
      const attachments: string[] = [];
      let after = 0;
      let count = 0;
      for (;;) {
        const rows = await transcriptPage(db, { ticketId: ticket.id, after, notas: options.notas, limit: 500 });
        count += rows.length;
        for (const row of rows) {
          const speaker = `${SPEAKER[row.role] ?? row.role}${row.authorName ? ` (${row.authorName})` : ''}`;
          const at = localTime(row.timestamp, zone);
          doc.font('negrita').fontSize(9).text(`${speaker} — ${at}`);
          const attachment = attachmentOf(row);
          if (attachment) attachments.push(`${at}: ${attachment}`);
          const body = [row.content, attachment ? `[Adjunto: ${attachment}]` : ''].filter(Boolean).join('\n');
          doc.font('texto').fontSize(10).text(body || ' ').moveDown(0.5);
        }
        if (rows.length < 500) break;
        after = rows[rows.length - 1]!.id;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (count === 0) doc.font('texto').fontSize(10).text('Sin mensajes.');
      doc.moveDown().font('negrita').fontSize(11).text('Adjuntos');
      doc.font('texto').fontSize(9).text(attachments.length ? attachments.join('\n') : 'Ninguno.');
    },
    log,
  );
}
