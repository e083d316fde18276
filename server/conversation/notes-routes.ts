import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorOf } from '../auth/guard.ts';
import type { Db } from '../db/database.ts';
import type { EventBus } from '../events.ts';
import { idParam } from '../http/common.ts';
import { ticketNotFound } from '../http/errors.ts';
import { addNote } from './notes.ts';

const noteBody = (maxChars: number) =>
  z.object(
    {
      texto: z
        .string({ error: 'la nota debe ser texto' })
        .refine((text) => text.trim().length > 0, 'la nota no puede estar vacía')
        .refine((text) => [...text].length <= maxChars, `la nota admite hasta ${maxChars} caracteres`),
    },
    { error: 'el cuerpo debe ser un objeto JSON con "texto"' },
  );

export const notesRoutes: FastifyPluginAsyncZod<{ db: Db; events: EventBus; maxChars: number }> = async (app, { db, events, maxChars }) => {
  app.post('/ticket/:id/nota', { schema: { params: idParam, body: noteBody(maxChars) }, bodyLimit: 64 * 1024 }, async (request, reply) => {
    const ticketId = request.params.id;
    const entry = await addNote(db, ticketId, request.body.texto, authorOf(request.principal));
    if (!entry) throw ticketNotFound(ticketId);
    request.log.info({ ticketId, messageId: entry.id }, 'note added');
    events.emit({ type: 'message', ticketId, entry });
    return reply.code(201).send(entry);
  });
};
