import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdmin } from '../auth/guard.ts';
import type { QuickReplyList } from '../contract/index.ts';
import type { Db } from '../db/database.ts';
import { idParam } from '../http/common.ts';
import { invalidState, notFound } from '../http/errors.ts';
import { addQuickReply, editQuickReply, listQuickReplies, removeQuickReply } from './quick-replies.ts';

const titulo = z
  .string({ error: 'el título debe ser texto' })
  .trim()
  .min(1, 'el título no puede estar vacío')
  .max(60, 'el título admite hasta 60 caracteres');
const texto = z
  .string({ error: 'el texto debe ser texto' })
  .trim()
  .min(1, 'el texto no puede estar vacío')
  .max(1000, 'el texto admite hasta 1000 caracteres');

const newReply = z.object({ titulo, texto }, { error: 'el cuerpo debe ser un objeto JSON con "titulo" y "texto"' });
const replyPatch = z
  .object({ titulo: titulo.optional(), texto: texto.optional() }, { error: 'el cuerpo debe ser un objeto JSON' })
  .refine((patch) => patch.titulo !== undefined || patch.texto !== undefined, 'indica titulo o texto');

const missing = (id: number) => notFound(`No existe la respuesta rápida ${id}.`);
const duplicate = (name: string) => invalidState(`Ya hay una respuesta rápida llamada «${name}».`);

/** Quick replies: every technician reads the list (Notificar, `/` in the chat); admins edit it. */
export const quickRepliesRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/api/respuestas-rapidas', async (): Promise<QuickReplyList> => ({ respuestas: await listQuickReplies(db) }));
  // The name the console used before the list was editable; integrations may still read it.
  app.get('/api/plantillas', async () => ({ plantillas: await listQuickReplies(db) }));

  app.post('/api/respuestas-rapidas', { schema: { body: newReply }, preHandler: requireAdmin }, async (request, reply) => {
    const added = await addQuickReply(db, request.body);
    if (added === 'duplicate') throw duplicate(request.body.titulo);
    request.log.info({ quickReplyId: added.id }, 'quick reply added');
    return reply.code(201).send(added);
  });

  app.patch('/api/respuestas-rapidas/:id', { schema: { params: idParam, body: replyPatch }, preHandler: requireAdmin }, async (request) => {
    const edited = await editQuickReply(db, request.params.id, request.body);
    if (!edited) throw missing(request.params.id);
    if (edited === 'duplicate') throw duplicate(request.body.titulo ?? '');
    request.log.info({ quickReplyId: edited.id }, 'quick reply edited');
    return edited;
  });

  app.delete('/api/respuestas-rapidas/:id', { schema: { params: idParam }, preHandler: requireAdmin }, async (request, reply) => {
    if (!(await removeQuickReply(db, request.params.id))) throw missing(request.params.id);
    request.log.info({ quickReplyId: request.params.id }, 'quick reply removed');
    return reply.code(204).send();
  });
};
