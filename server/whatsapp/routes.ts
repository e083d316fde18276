import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireAdmin } from '../auth/guard.ts';
import type { Db } from '../db/database.ts';
import { messagesOf } from '../messages/index.ts';
import type { WhatsAppDriver } from './driver.ts';
import { withoutQr, type StatusTracker } from './status.ts';

/** Replies stored but not yet confirmed by WhatsApp: what an operator waits on. */
export function queuedReplies(db: Db): Promise<number> {
  return messagesOf(db).pendingCount();
}

export const whatsappRoutes: FastifyPluginAsyncZod<{ db: Db; driver: WhatsAppDriver; tracker: StatusTracker }> = async (
  app,
  { db, driver, tracker },
) => {
  app.get('/api/whatsapp/status', async (request) => {
    const status = tracker.current();
    const visible = request.principal?.role === 'admin' ? status : withoutQr(status);
    return { ...visible, queued: await queuedReplies(db) };
  });

  app.post('/api/whatsapp/connect', { preHandler: requireAdmin }, async (request, reply) => {
    request.log.info({ state: driver.state().state }, 'whatsapp link requested');
    await driver.connect();
    return reply.code(202).send({ state: driver.state().state });
  });

  app.post('/api/whatsapp/logout', { preHandler: requireAdmin }, async (request, reply) => {
    request.log.warn({ by: request.principal?.kind === 'user' ? request.principal.user.id : null }, 'whatsapp unlink requested');
    await driver.logout();
    return reply.code(202).send({ state: driver.state().state });
  });
};
