import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../db/database.ts';

/**
 * The people a ticket can be assigned to: every active account, for every signed-in
 * technician (GET /api/users, with roles and inactive accounts, stays admin-only).
 */
export const teamRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/api/equipo', async () => {
    const users = await db.prisma.user.findMany({ where: { active: true }, orderBy: { id: 'asc' } });
    return { equipo: users.map((user) => ({ id: user.id, nombre: user.displayName ?? user.username })) };
  });
};
