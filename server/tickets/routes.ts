import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { TimedTags, versionTag } from '../http/etag.ts';
import type { Versions } from '../db/versions.ts';
import type { Categories, EarlierTickets, TicketList } from '../contract/index.ts';
import type { Db } from '../db/database.ts';
import type { EventBus } from '../events.ts';
import type { SlaPolicy } from '../sla/policy.ts';
import { clocksFor } from '../sla/ticket-clocks.ts';
import { z } from 'zod';
import { errorResponses, idParam, serializeUnchecked, ticketSchema } from '../http/common.ts';
import { authorOf, requireAdmin } from '../auth/guard.ts';
import { invalidRequest, invalidState, ticketNotFound } from '../http/errors.ts';
import { addCategory, categoryExists, listCategories } from './categories.ts';
import { newCategoryBody, newTicketBody, ticketListQuery, ticketPatchBody } from './schemas.ts';
import { earlierTickets } from './line-history.ts';
import { createTicket, findTicket, listTicketPage, markRead, updateTicket } from './tickets.ts';

export const ticketsRoutes: FastifyPluginAsyncZod<{ db: Db; events: EventBus; sla: SlaPolicy; versions: Versions }> = async (app, { db, events, sla, versions }) => {
  // The ticket list (every console polls it): declared, rows not re-validated per request (see serializeUnchecked).
  const listed = { 200: z.object({ tickets: z.array(ticketSchema), pagina: z.number(), hay_mas: z.boolean() }), ...errorResponses(400, 401) };
  // 304 from the stored "tickets" counter, before the list's queries, until the next instant a
  // clock on the page changes zone (ok → aviso → vencido: shown on the first poll after it) or the
  // minute turns (the countdowns count whole minutes: a body computed later in the same minute may
  // count one minute less under the same weak tag). The tag names the minute and the zones shown,
  // so a body computed after a zone change never shares the tag of one before it, on any process.
  const policyKey = JSON.stringify(sla);
  const tags = new TimedTags();
  app.get('/api/tickets', { schema: { querystring: ticketListQuery, response: listed }, serializerCompiler: serializeUnchecked }, async (request, reply) => {
    const key = versionTag('tickets', await versions.counter('tickets'), request.query, policyKey);
    return tags.answer(request, reply, key, async () => {
      const now = Date.now();
      const minute = Math.floor(now / 60_000) * 60_000;
      const next = { at: minute + 60_000 };
      const { tickets, hayMas } = await listTicketPage(db, request.query);
      const clocks = await clocksFor(db, sla, tickets, new Date(now), next);
      const rows = tickets.map((ticket) => ({ ...ticket, sla: clocks.get(ticket.id) }));
      const shows = [minute, rows.map((row) => [row.id, row.sla?.primera_respuesta.estado, row.sla?.resolucion.estado])];
      return { body: { tickets: rows, pagina: request.query.pagina, hay_mas: hayMas }, shows, until: next.at };
    });
  });

  app.post('/api/tickets', { schema: { body: newTicketBody }, bodyLimit: 1_048_576 }, async (request, reply) => {
    if (request.body.category && !(await categoryExists(db, request.body.category))) throw unknownCategory(request.body.category);
    const ticket = await createTicket(db, request.body);
    request.log.info({ ticketId: ticket.id, phone: ticket.phone }, 'ticket created');
    events.emit({ type: 'ticket', ticket });
    return reply.code(201).send(ticket);
  });

  app.get('/api/tickets/:id', { schema: { params: idParam } }, async (request) => {
    const ticket = await findTicket(db, request.params.id);
    if (!ticket) throw ticketNotFound(request.params.id);
    return ticket;
  });

  app.patch('/api/tickets/:id', { schema: { params: idParam, body: ticketPatchBody } }, async (request) => {
    const updated = await updateTicket(db, request.params.id, request.body, authorOf(request.principal));
    if (!updated) throw ticketNotFound(request.params.id);
    if (updated === 'no_assignee') throw invalidRequest(`No existe una cuenta activa ${request.body.assigneeId} para asignar.`);
    if (updated === 'no_category') throw unknownCategory(request.body.category);
    const { ticket, line } = updated;
    if (line) events.emit({ type: 'message', ticketId: ticket.id, entry: line });
    request.log.info({ ticketId: ticket.id, ...request.body }, 'ticket updated');
    events.emit({ type: 'ticket', ticket });
    return ticket;
  });

  // The end user's earlier tickets (same line), for the chat's side panel; their conversations come from /conversacion.
  const earlier = { 200: z.object({ tickets: z.array(ticketSchema) }), ...errorResponses(400, 401, 404) };
  app.get('/api/tickets/:id/anteriores', { schema: { params: idParam, response: earlier } }, async (request) => {
    const tickets = await earlierTickets(db, request.params.id);
    if (!tickets) throw ticketNotFound(request.params.id);
    return { tickets: tickets.map((ticket) => ({ ...ticket })) } satisfies EarlierTickets;
  });

  app.post('/api/tickets/:id/leido', { schema: { params: idParam } }, async (request, reply) => {
    const ticket = await markRead(db, request.params.id);
    if (!ticket) throw ticketNotFound(request.params.id);
    events.emit({ type: 'ticket', ticket });
    return reply.code(204).send();
  });

  app.get('/api/categorias', async (): Promise<Categories> => ({ categorias: await listCategories(db) }));

  app.post('/api/categorias', { schema: { body: newCategoryBody }, preHandler: requireAdmin }, async (request, reply) => {
    if (!(await addCategory(db, request.body.nombre))) throw invalidState(`La categoría ${request.body.nombre} ya existe.`);
    request.log.info({ category: request.body.nombre }, 'category added');
    return reply.code(201).send({ categorias: await listCategories(db) } satisfies Categories);
  });
};

const unknownCategory = (name: string | null | undefined) =>
  invalidRequest(`La categoría ${name} no está en la lista; un administrador puede agregarla.`);
