import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditOf } from '../audit/request.ts';
import type { UserList } from '../contract/index.ts';
import type { Db } from '../db/database.ts';
import { idParam } from '../http/common.ts';
import { invalidState, notFound } from '../http/errors.ts';
import { createUser, deactivateUser, listUsers } from './accounts.ts';
import { currentUser, requireAdmin } from './guard.ts';
import { listDeactivated, reactivateUser, resetPassword } from './passwords.ts';
import type { SessionPolicy } from './sessions.ts';

/** Every password an account is given: at account creation, a reset, a change. */
export const newPassword = z
  .string({ error: 'falta la contraseña' })
  .min(8, 'la contraseña debe tener al menos 8 caracteres')
  .max(200, 'la contraseña debe tener como máximo 200 caracteres');

const newUser = z.object({
  username: z
    .string({ error: 'falta el usuario' })
    .trim()
    .regex(/^[a-zA-Z0-9._-]{3,40}$/, 'el usuario debe tener de 3 a 40 letras, números, punto, guion o guion bajo'),
  password: newPassword,
  role: z.enum(['admin', 'tecnico'], { error: 'el rol debe ser admin o tecnico' }),
  displayName: z.string().trim().min(1).max(100).optional(),
});

export const usersRoutes: FastifyPluginAsyncZod<{ db: Db; policy: SessionPolicy }> = async (app, { db, policy }) => {
  app.addHook('preHandler', requireAdmin);

  app.get('/api/users', async (): Promise<UserList> => ({ users: await listUsers(db) }));

  app.get('/api/users/desactivadas', async (): Promise<UserList> => ({ users: await listDeactivated(db) }));

  app.post('/api/users', { schema: { body: newUser } }, async (request, reply) => {
    const user = await createUser(db, request.body, auditOf(request, 'cuenta_creada', request.body.username));
    if (!user) throw invalidState(`El usuario ${request.body.username} ya existe.`);
    return reply.code(201).send(user);
  });

  app.delete('/api/users/:id', { schema: { params: idParam } }, async (request, reply) => {
    // An admin locking themselves out would leave nobody to undo it.
    if (currentUser(request)?.id === request.params.id) throw invalidState('No puedes desactivar tu propia cuenta.');
    if (!(await deactivateUser(db, request.params.id, auditOf(request, 'cuenta_desactivada', request.params.id), policy))) throw notFound(`No existe una cuenta activa ${request.params.id}.`);
    request.log.info({ userId: request.params.id }, 'account deactivated');
    return reply.code(204).send();
  });

  app.post('/api/users/:id/reactivar', { schema: { params: idParam } }, async (request) => {
    const user = await reactivateUser(db, request.params.id, auditOf(request, 'cuenta_reactivada', request.params.id));
    if (!user) throw notFound(`No existe una cuenta desactivada ${request.params.id}.`);
    request.log.info({ userId: user.id }, 'account reactivated');
    return user;
  });

  app.post(
    '/api/users/:id/contrasena',
    { schema: { params: idParam, body: z.object({ password: newPassword }) } },
    async (request, reply) => {
      // One's own password is changed under "Mi cuenta", which asks for the current one first.
      if (currentUser(request)?.id === request.params.id) throw invalidState('Para cambiar tu propia contraseña usa «Mi cuenta».');
      const ended = await resetPassword(db, request.params.id, request.body.password, auditOf(request, 'contrasena_restablecida', request.params.id), policy);
      if (ended === null) throw notFound(`No existe una cuenta activa ${request.params.id}.`);
      request.log.info({ userId: request.params.id, sessionsEnded: ended }, 'password reset');
      return reply.code(204).send();
    },
  );
};
