import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { recordAudit } from '../audit/audit.ts';
import type { LinkWatch } from '../audit/link-watch.ts';
import { auditOf } from '../audit/request.ts';
import { unlessNotModified, versionTag } from '../http/etag.ts';
import type { Versions } from '../db/versions.ts';
import { requireAdmin } from '../auth/guard.ts';
import type { Lease } from '../cluster/lease.ts';
import { invalidState } from '../http/errors.ts';
import type { Db } from '../db/database.ts';
import type { Health } from '../health/health.ts';
import { messagesOf } from '../messages/index.ts';
import type { WhatsAppDriver } from './driver.ts';
import { withoutQr, type LinkStatus } from './status.ts';

export interface WhatsAppRouteOptions {
  db: Db;
  /** The stored versions a 304 is answered from (server/db/versions.ts). */
  versions: Versions;
  driver: WhatsAppDriver;
  lease: Lease;
  /** Told who asked for a link or an unlink, so the phone's side is recorded apart (server/audit/link-watch.ts). */
  links: LinkWatch;
  /** The link's status as this process answers it (the holder's, on any process), with `titular`. */
  status: () => Promise<LinkStatus & { titular: boolean }>;
  /** Faults the WhatsApp page shows as banners (`salud`, the same as /healthz's detail). */
  health: Health;
  /**
   * Several processes: asks the holder to link or unlink and answers its driver's state after,
   * or null when no process holds the link or its holder did not answer.
   */
  forward?: (action: 'connect' | 'logout') => Promise<string | null>;
}

/** Only the holder may start or unlink the driver: a second one would open the same session. */
const noHolder = () =>
  invalidState('Ningún proceso del servicio tiene ahora la conexión de WhatsApp o el que la tiene no respondió; inténtalo de nuevo en unos segundos.');

export const whatsappRoutes: FastifyPluginAsyncZod<WhatsAppRouteOptions> = async (app, { db, versions, driver, lease, links, status: current, health, forward }) => {
  /** On a process without the link, the holder does it (operators use whichever process the proxy gives them). */
  const throughHolder = async (action: 'connect' | 'logout') => {
    const state = (await forward?.(action)) ?? null;
    if (state === null) throw noHolder();
    return { state };
  };

  // The status itself is in memory (or one lease row); only the waiting count is a query, and
  // the stored "link" counter changes whenever that count does. The health detail is in memory
  // too and part of the tag, so a fault that begins or ends is never answered 304.
  app.get('/api/whatsapp/status', async (request, reply) => {
    const status = await current();
    const visible = request.principal?.role === 'admin' ? status : withoutQr(status);
    const salud = health.detail(status);
    const etag = versionTag('whatsapp', { ...visible, salud }, await versions.counter('link'));
    return unlessNotModified(request, reply, etag, async () => ({ ...visible, queued: await messagesOf(db).pendingCount(), salud }));
  });

  // The audit event is the admin's intent, written before anything is done (here or by the
  // holder): a log that cannot take it fails the request with WhatsApp untouched, never after.
  app.post('/api/whatsapp/connect', { preHandler: requireAdmin }, async (request, reply) => {
    await recordAudit(db, auditOf(request, 'whatsapp_vinculado'));
    if (!lease.held()) {
      request.log.info({ action: 'connect' }, 'whatsapp link requested of the holder');
      return reply.code(202).send(await throughHolder('connect'));
    }
    request.log.info({ state: driver.state().state }, 'whatsapp link requested');
    links.linkRequested(request.principal?.kind === 'user' ? request.principal.user.username : null);
    await driver.connect();
    return reply.code(202).send({ state: driver.state().state });
  });

  app.post('/api/whatsapp/logout', { preHandler: requireAdmin }, async (request, reply) => {
    await recordAudit(db, auditOf(request, 'whatsapp_desvinculado'));
    if (!lease.held()) {
      request.log.warn({ action: 'logout', by: request.principal?.kind === 'user' ? request.principal.user.id : null }, 'whatsapp unlink requested of the holder');
      return reply.code(202).send(await throughHolder('logout'));
    }
    request.log.warn({ by: request.principal?.kind === 'user' ? request.principal.user.id : null }, 'whatsapp unlink requested');
    links.unlinkRequested();
    await driver.logout();
    return reply.code(202).send({ state: driver.state().state });
  });
};
