import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import { auditOf } from '../audit/request.ts';
import type { Db } from '../db/database.ts';
import type { SlaPolicy } from '../sla/policy.ts';
import { localDay } from '../sla/schedule.ts';
import { ticketListQuery } from '../tickets/schemas.ts';
import { csvLines, exportRows } from './export.ts';
import { statistics } from './stats.ts';
import { xlsxStream } from './xlsx.ts';
import { ticketListPdf, transcriptPdf } from './pdf.ts';
import { idParam } from '../http/common.ts';
import { expensive } from '../http/expensive.ts';
import { ticketNotFound } from '../http/errors.ts';
import { findTicket } from '../tickets/tickets.ts';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'la fecha debe tener la forma AAAA-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), 'la fecha no existe');

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** Without dates: the last 30 days, today (in the configured zone) included. */
export const statsQuery = (zone: string) =>
  z
    .object({ desde: day.optional(), hasta: day.optional() })
    .transform(({ desde, hasta }) => {
      const end = hasta ?? localDay(Date.now(), zone);
      const start = desde ?? isoDay(new Date(Date.parse(`${end}T00:00:00Z`) - 29 * 86_400_000));
      return { desde: start, hasta: end };
    })
    .refine((period) => period.desde <= period.hasta, 'desde debe ser anterior o igual a hasta');

export const exportQuery = ticketListQuery.omit({ limit: true, pagina: true });

const transcriptQuery = z.object({ notas: z.enum(['0', '1'], { error: 'notas debe ser 0 o 1' }).optional() });

export const insightRoutes: FastifyPluginAsyncZod<{ db: Db; sla: SlaPolicy; perMinute: number }> = async (app, { db, sla, perMinute }) => {
  const limited = expensive(perMinute);
  app.get('/api/estadisticas', { config: limited, schema: { querystring: statsQuery(sla.zone) } }, async (request) => statistics(db, request.query, sla));

  app.get('/api/exportes/tickets.csv', { config: limited, schema: { querystring: exportQuery } }, async (request, reply) => {
    request.log.info({ filter: request.query }, 'tickets exported as csv');
    await recordAudit(db, auditOf(request, 'exporte_csv', null, { filtros: request.query })); // nothing leaves unrecorded
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="tickets-${isoDay(new Date())}.csv"`)
      .send(Readable.from(csvLines(exportRows(db, request.query), sla.zone)));
  });

  app.get('/api/exportes/tickets.xlsx', { config: limited, schema: { querystring: exportQuery } }, async (request, reply) => {
    request.log.info({ filter: request.query }, 'tickets exported as xlsx');
    await recordAudit(db, auditOf(request, 'exporte_xlsx', null, { filtros: request.query })); // nothing leaves unrecorded
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="tickets-${isoDay(new Date())}.xlsx"`)
      .send(xlsxStream(exportRows(db, request.query), sla.zone, request.log as Logger));
  });

  app.get('/api/exportes/tickets.pdf', { config: limited, schema: { querystring: exportQuery } }, async (request, reply) => {
    request.log.info({ filter: request.query }, 'tickets exported as pdf');
    await recordAudit(db, auditOf(request, 'exporte_pdf', null, { filtros: request.query })); // nothing leaves unrecorded
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="tickets-${isoDay(new Date())}.pdf"`)
      .send(ticketListPdf(exportRows(db, request.query), sla.zone, request.log as Logger));
  });

  app.get(
    '/api/tickets/:id/transcripcion.pdf',
    { config: limited, schema: { params: idParam, querystring: transcriptQuery } },
    async (request, reply) => {
      const ticket = await findTicket(db, request.params.id);
      if (!ticket) throw ticketNotFound(request.params.id);
      request.log.info({ ticketId: ticket.id }, 'transcript exported as pdf');
      await recordAudit(db, auditOf(request, 'exporte_transcripcion', ticket.id, { notas: request.query.notas === '1' }));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="ticket-${ticket.id}.pdf"`)
        .send(transcriptPdf(db, ticket, { notas: request.query.notas === '1', zone: sla.zone }, request.log as Logger));
    },
  );
};
