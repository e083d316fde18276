import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Team } from '../contract/index.ts';
import type { Db } from '../db/database.ts';
import { onlineUserIds } from './presence.ts';

/**
 * The people a ticket can be assigned to: every active account, for every signed-in
 * technician (GET /api/users, with roles and inactive accounts, stays admin-only), each with
 * `en_linea`: a console of theirs is connected to any process (server/auth/presence.ts).
 */
export const teamRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/api/equipo', async (): Promise<Team> => {
    const [users, online] = await Promise.all([db.prisma.user.findMany({ where: { active: true }, orderBy: { id: 'asc' } }), onlineUserIds(db)]);
    return { equipo: users.map((user) => ({ id: user.id, nombre: user.displayName ?? user.username, en_linea: online.has(user.id) })) };
  });
};
