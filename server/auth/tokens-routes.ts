import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditOf } from '../audit/request.ts';
import type { Db } from '../db/database.ts';
import { idParam } from '../http/common.ts';
import { forbidden, notFound } from '../http/errors.ts';
import { createApiToken, listApiTokens, revokeApiToken } from './accounts.ts';
import { currentUser, requireAdmin } from './guard.ts';

const newToken = z.object({ name: z.string({ error: 'falta el nombre' }).trim().min(1, 'falta el nombre').max(100) });

export const tokensRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.addHook('preHandler', requireAdmin);

  app.post('/api/tokens', { schema: { body: newToken } }, async (request, reply) => {
    const admin = currentUser(request);
    if (!admin) throw forbidden(); // integrations cannot mint more tokens
    const created = await createApiToken(db, request.body.name, admin.id, auditOf(request, 'token_creado', request.body.name));
    request.log.info({ tokenId: created.id }, 'token created');
    return reply.code(201).send(created);
  });

  app.get('/api/tokens', async () => ({ tokens: await listApiTokens(db) }));

  app.delete('/api/tokens/:id', { schema: { params: idParam } }, async (request, reply) => {
    if (!(await revokeApiToken(db, request.params.id, auditOf(request, 'token_revocado', request.params.id)))) throw notFound(`No existe un token activo ${request.params.id}.`);
    request.log.info({ tokenId: request.params.id }, 'token revoked');
    return reply.code(204).send();
  });
};
