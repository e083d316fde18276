import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unlessNotModified, versionTag } from '../http/etag.ts';
import type { Versions } from '../db/versions.ts';
import { z } from 'zod';
import { authorOf } from '../auth/guard.ts';
import type { Outcome } from '../delivery/outbox.ts';
import { entrySchema, errorResponses, idParam, sentBody, serializeUnchecked } from '../http/common.ts';
import {
  invalidRequest,
  invalidState,
  notFound,
  sendRejected,
  ticketNotFound,
  whatsappDisconnected,
  whatsappNoAnswer,
  type AppError,
} from '../http/errors.ts';
import { listHistory } from './history.ts';
import type { Conversation } from '../contract/index.ts';
import type { Db } from '../db/database.ts';
import type { Replies } from './send.ts';

/** Past this the body is refused with 413 before it is parsed; text limits give a 400 instead. */
const SEND_BODY_LIMIT = 64 * 1024;

const sendBody = (maxChars: number) =>
  z.object(
    {
      mensaje: z
        .string({ error: 'el mensaje debe ser texto' })
        .refine((text) => text.trim().length > 0, 'el mensaje no puede estar vacío')
        .refine((text) => [...text].length <= maxChars, `el mensaje admite hasta ${maxChars} caracteres`),
    },
    { error: 'el cuerpo debe ser un objeto JSON con "mensaje"' },
  );

export const sendHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'Idempotency-Key debe tener de 1 a 200 caracteres visibles')
    .optional(),
});

const entryId = z.coerce.number({ error: 'debe ser un id de entrada' }).int().min(0);
const historyQuery = z.object({
  desde: entryId.optional(),
  antes: entryId.optional(),
  notas: z.enum(['0', '1'], { error: 'notas debe ser 0 o 1' }).optional(),
  limite: z.coerce.number({ error: 'limite debe ser un número' }).int().min(1, 'limite va de 1 a 1000').max(1000, 'limite va de 1 a 1000').optional(),
});

/** What a reply that did not go out at once answers (the reply is stored in every case). */
export function failureFor(outcome: Exclude<Outcome, { kind: 'sent' }>, ticketId: number): AppError {
  switch (outcome.kind) {
    case 'queued':
      return whatsappDisconnected(ticketId);
    case 'timeout':
      return whatsappNoAnswer(ticketId);
    case 'rejected':
      return sendRejected(outcome.reason, ticketId);
  }
}

export const conversationRoutes: FastifyPluginAsyncZod<{ db: Db; replies: Replies; maxChars: number; versions: Versions }> = async (app, deps) => {
  app.get(
    '/ticket/:id/conversacion',
    {
      schema: { params: idParam, querystring: historyQuery, response: { 200: z.object({ historial: z.array(entrySchema) }), ...errorResponses(400, 401, 404) } },
      serializerCompiler: serializeUnchecked,
    },
    // 304 from the ticket's stored history version (one lookup that also finds the ticket),
    // before the history is read.
    async (request, reply) => {
      const version = await deps.versions.history(request.params.id);
      if (version === null) throw ticketNotFound(request.params.id);
      const etag = versionTag('conversacion', request.params.id, version, request.query);
      return unlessNotModified(request, reply, etag, async () => {
        const { desde, antes, limite, notas } = request.query;
        const window = { after: desde, before: antes, limit: limite, notes: notas === '1' };
        return { historial: await listHistory(deps.db, request.params.id, window) } satisfies Conversation;
      });
    },
  );

  app.post(
    '/ticket/:id/enviar-mensaje',
    {
      schema: {
        params: idParam,
        body: sendBody(deps.maxChars),
        headers: sendHeaders,
        response: { 200: sentBody, ...errorResponses(400, 401, 404, 413, 422, 500, 503, 504) },
      },
      bodyLimit: SEND_BODY_LIMIT,
    },
    async (request) => {
      const ticketId = request.params.id;
      const result = await deps.replies.send({
        ticketId,
        text: request.body.mensaje,
        author: authorOf(request.principal),
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (result.kind === 'ticket_not_found') throw ticketNotFound(ticketId);
      if (result.kind === 'key_reused') throw invalidRequest('Esa Idempotency-Key ya se usó con otro ticket.');
      if (result.outcome.kind !== 'sent') throw failureFor(result.outcome, ticketId);
      return { status: 'enviado' as const, ticket_id: ticketId, telefono: result.ticket.phone, mensaje: 'Mensaje enviado correctamente' };
    },
  );

  app.post('/api/messages/:id/reenviar', { schema: { params: idParam } }, async (request, reply) => {
    const entry = await deps.replies.resend(request.params.id);
    if (entry === null) throw notFound(`No existe el mensaje ${request.params.id}.`);
    if (entry === 'not_resendable') throw invalidState('Solo se reenvían mensajes fallidos o de estado desconocido.');
    return reply.code(202).send(entry);
  });
};
