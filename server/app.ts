import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { ensureFirstAdmin } from './auth/accounts.ts';
import { authenticate, resolvePrincipal } from './auth/guard.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { loginRoutes, sessionRoutes } from './auth/routes.ts';
import { tokensRoutes } from './auth/tokens-routes.ts';
import { teamRoutes } from './auth/team-routes.ts';
import { usersRoutes } from './auth/users-routes.ts';
import type { Config } from './config.ts';
import { fileRoutes } from './conversation/file-routes.ts';
import { notesRoutes } from './conversation/notes-routes.ts';
import { conversationRoutes } from './conversation/routes.ts';
import { Replies } from './conversation/send.ts';
import { Lease } from './cluster/lease.ts';
import { leaseStore, type LeaseStore } from './cluster/lease-store.ts';
import { linkStatusOf } from './whatsapp/link-status.ts';
import { openDatabase, type Db } from './db/database.ts';
import { Outbox } from './delivery/outbox.ts';
import type { Clock } from './delivery/throttle.ts';
import { EventBus } from './events.ts';
import { handleError, handleFrameworkError, handleNotFound } from './http/errors.ts';
import { tlsOnlyHeaders, type TransportOptions } from './http/transport.ts';
import { rejectIllFormedText } from './http/unicode.ts';
import { fileInbound } from './inbound/file-inbound.ts';
import { askForRating } from './insight/csat.ts';
import { insightRoutes } from './insight/routes.ts';
import { liveRoutes } from './live/routes.ts';
import { outgoingMedia, referencedFiles } from './messages/attachments.ts';
import { InboundFiles } from './media/inbound.ts';
import { mediaRoutes } from './media/routes.ts';
import { StorageQuota } from './media/quota.ts';
import { MediaStore } from './media/store.ts';
import { lastInboundAnyAt, lastInboundAt } from './messages/index.ts';
import { lineKey, normalizePhone } from './contract/phone.ts';
import { ticketsRoutes } from './tickets/routes.ts';
import type { OutgoingMedia, WhatsAppDriver } from './whatsapp/driver.ts';
import { queuedReplies, whatsappRoutes } from './whatsapp/routes.ts';
import { selectDriver } from './whatsapp/select-driver.ts';
import { SimulatorDriver } from './whatsapp/simulator.ts';
import { simulatorRoutes } from './whatsapp/simulator-routes.ts';
import { StatusTracker } from './whatsapp/status.ts';

const MEDIA_RETRY_MS = 5 * 60_000;
const CONSOLE_DIR = path.resolve(import.meta.dirname, '../dist/console');

export interface Services {
  config: Config;
  db: Db;
  events: EventBus;
  driver: WhatsAppDriver;
  outbox: Outbox;
  replies: Replies;
  tracker: StatusTracker;
  /** Whether this process holds the WhatsApp link (always, on SQLite). */
  lease: Lease;
  leases: LeaseStore;
  media: MediaStore;
  quota: StorageQuota;
  inboundFiles: InboundFiles;
  firstAdmin: { username: string; password: string; generated: boolean } | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    puente: Services;
  }
}

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** The process's socket timeouts (main.ts sets them; tests inject, so they need none). */
  timeouts?: Pick<FastifyServerOptions, 'connectionTimeout' | 'requestTimeout' | 'keepAliveTimeout'>;
  /** Replaces the driver WHATSAPP_DRIVER would pick (supervisor tests use a scripted one). */
  driver?: WhatsAppDriver;
  /** How often an open console socket's session is checked again (default 30 s). */
  liveRecheckMs?: number;
  /** The outbox's clock (flood tests hold its pacing sleeps to count them). */
  clock?: Clock;
  /** Sees every route as it is registered (the fuzz test drives each one, new ones included). */
  onRoute?: (route: RouteOptions) => void;
}

/** Builds the whole service as a Fastify instance; `main.ts` listens, tests `inject`. */
export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    ...options.timeouts,
    bodyLimit: 256 * 1024,
    forceCloseConnections: true,
    // Behind a TLS reverse proxy: client address and X-Forwarded-Proto come from the proxy.
    trustProxy: config.TRUST_PROXY,
    frameworkErrors: handleFrameworkError,
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.addHook('preValidation', rejectIllFormedText);
  // Bodies are JSON only: a cross-site form cannot send that, one more guard besides SameSite.
  app.removeContentTypeParser('text/plain');

  const transport = { forceSecure: config.COOKIE_SECURE };
  const services = await createServices(app, config, options);
  app.decorate('puente', services);
  wireDriver(services, app.log);

  // HSTS and upgrade-insecure-requests are added per request by tlsOnlyHeaders, over TLS only.
  await app.register(helmet, {
    hsts: false,
    contentSecurityPolicy: {
      directives: { 'img-src': ["'self'", 'data:', 'blob:'], 'connect-src': ["'self'"], 'upgrade-insecure-requests': null },
    },
  });
  tlsOnlyHeaders(app, transport);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(websocket);
  registerRoutes(app, services, options, transport);
  serveConsole(app);

  // Files that could not be downloaded when they arrived are tried again now and then.
  let mediaRetry: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    // Only the holder of the lease runs the driver and the delivery loop (see createServices).
    await services.lease.start();
    await services.lease.settled();
    mediaRetry = setInterval(() => {
      if (services.driver.state().state !== 'ready') return;
      void services.inboundFiles.retryPending().catch((err) => app.log.error({ err }, 'media retry failed'));
    }, MEDIA_RETRY_MS).unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(mediaRetry);
    await services.outbox.stop();
    await services.driver.disconnect().catch((err) => app.log.warn({ err }, 'whatsapp disconnect failed'));
    // Let go of the link last: a send still in flight above must not overlap the next holder's.
    await services.lease.stop();
    await services.db.close();
  });
  return app;
}

async function createServices(app: FastifyInstance, config: Config, options: AppOptions): Promise<Services> {
  const db = await openDatabase(config.databaseUrl);
  const firstAdmin = await ensureFirstAdmin(db, { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD });
  const log = app.log as Logger;
  const media = new MediaStore(config.mediaDir);
  // A crash between writing a file and committing its entry leaves a file nothing refers to.
  const swept = await media.sweep(await referencedFiles(db));
  if (swept.orphans || swept.temporary) log.info(swept, 'media sweep removed leftovers');
  const driver =
    options.driver ??
    (await selectDriver(config, log, {
      lastInboundAt: (phone) => lastInboundAt(db, lineKey(normalizePhone(phone) ?? phone)),
      lastInboundAnyAt: () => lastInboundAnyAt(db),
    }));
  const events = new EventBus();
  const leases = leaseStore(db);
  // Assigned below: the lease starts and stops the outbox and the driver it is built before.
  let lease: Lease;
  const transport = {
    isReady: () => driver.state().state === 'ready' && lease.held(),
    send: (to: string, body: string, ref: string, media?: OutgoingMedia) => driver.send(to, body, ref, media),
    recentOutgoing: (to: string, since: Date) => driver.recentOutgoing(to, since),
  };
  const outbox = new Outbox({
    db,
    lease: { fence: () => lease.fence(), fenced: () => lease.fenced() },
    transport,
    events,
    log,
    sendTimeoutMs: config.SEND_TIMEOUT_MS,
    ratePerMinute: config.SEND_RATE_PER_MINUTE,
    clock: options.clock,
    mediaOf: (messageId) => outgoingMedia(db, media, messageId),
  });
  const replies = new Replies({ db, outbox, events, log, media });
  const quota = new StorageQuota(db, media, config.MEDIA_MAX_MB * 1024 * 1024);
  lease = new Lease({
    store: leases,
    ttlMs: config.LEASE_TTL_MS,
    log,
    sole: db.dialect === 'sqlite',
    onAcquired: async () => {
      await outbox.start();
      void driver.connect().catch((err) => log.error({ err }, 'whatsapp connect failed'));
    },
    onLost: async () => {
      outbox.release();
      await driver.disconnect().catch((err) => log.warn({ err }, 'whatsapp disconnect failed'));
    },
  });
  return { config, db, events, driver, outbox, replies, tracker: new StatusTracker(driver), lease, leases, media, quota, inboundFiles: new InboundFiles({
    db,
    store: media,
    quota,
    events,
    log,
    download: driver.downloadMedia ? (waId) => driver.downloadMedia!(waId) : undefined,
  }), firstAdmin };
}

function wireDriver(services: Services, log: Logger | FastifyInstance['log']) {
  const { db, driver, outbox, events, tracker, config } = services;
  const deps = { db, outbox, events, log: log as Logger, autoAck: config.AUTO_ACK };
  driver.onInbound(async (message) => {
    const outcome = await fileInbound(deps, message);
    // The entry is stored; its file is fetched after, so a slow download never holds up the chat.
    if (outcome === 'filed' && message.hasMedia) void services.inboundFiles.fetch(message.waId).catch((err) => log.error({ err }, 'media fetch failed'));
    return outcome;
  });
  if (config.CSAT) {
    const csat = { db, outbox, events, log: log as Logger, text: config.CSAT_TEXTO };
    events.subscribe((event) => {
      const ticket = event.type === 'ticket' ? event.ticket : null;
      if (ticket?.status === 'resolved') void askForRating(csat, ticket.id).catch((err) => log.error({ err }, 'csat failed'));
    });
  }
  driver.onAck((ack) => void outbox.applyAck(ack.waId, ack.state).catch((err) => log.error({ err }, 'ack failed')));
  tracker.onChange((status) => {
    log.info({ state: status.state, reason: status.reason }, 'whatsapp state');
    // The other processes answer the link's status from the lease row.
    if (services.lease.held() && services.db.dialect === 'postgres') {
      void services.leases.publishStatus(services.lease.holder, JSON.stringify(status)).catch((err) => log.warn({ err }, 'status not shared'));
    }
    const announce = (queued: number) => events.emit({ type: 'whatsapp', status: { ...status, queued } });
    void queuedReplies(db)
      .then(announce)
      .catch((err) => log.error({ err }, 'queued count failed'))
      .finally(() => {
        if (status.state !== 'ready') return;
        outbox.resume();
        void services.inboundFiles.retryPending().catch((err) => log.error({ err }, 'media retry failed'));
      });
  });
}

function registerRoutes(app: FastifyInstance, services: Services, options: AppOptions, transport: TransportOptions) {
  const { db, events, driver, replies, tracker, config } = services;
  app.get('/healthz', async () => ({ status: 'ok', whatsapp: tracker.current().state }));
  const policy = { ttlHours: config.SESSION_TTL_HOURS, idleMinutes: config.SESSION_IDLE_MINUTES };
  const throttle = new LoginThrottle();
  app.register(loginRoutes, { db, policy, transport, throttle });
  app.register(async (scope) => {
    scope.addHook('onRequest', authenticate(db, policy));
    await scope.register(sessionRoutes, { db, policy, throttle });
    await scope.register(usersRoutes, { db });
    await scope.register(teamRoutes, { db });
    await scope.register(tokensRoutes, { db });
    await scope.register(ticketsRoutes, { db, events, sla: config.sla });
    await scope.register(insightRoutes, { db, sla: config.sla });
    await scope.register(conversationRoutes, { db, replies, maxChars: config.MAX_MESSAGE_CHARS });
    await scope.register(fileRoutes, { db, replies, quota: services.quota, maxChars: config.MAX_MESSAGE_CHARS });
    await scope.register(notesRoutes, { db, events, maxChars: config.MAX_MESSAGE_CHARS });
    await scope.register(whatsappRoutes, { db, driver, lease: services.lease, status: () => linkStatusOf(services) });
    await scope.register(mediaRoutes, { db, store: services.media, limitBytes: services.quota.limitBytes });
    await scope.register(liveRoutes, {
      events,
      recheck: (request) => resolvePrincipal(db, request, policy),
      recheckMs: options.liveRecheckMs,
    });
    if (driver instanceof SimulatorDriver) await scope.register(simulatorRoutes, { simulator: driver });
  });
}

/** The built console, when present; any other GET outside the API falls back to its index. */
function serveConsole(app: FastifyInstance) {
  const hasConsole = fs.existsSync(path.join(CONSOLE_DIR, 'index.html'));
  if (hasConsole) app.register(fastifyStatic, { root: CONSOLE_DIR, wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    const isApi = /^\/(api|ticket|healthz)(\/|$)/.test(request.url);
    if (hasConsole && request.method === 'GET' && !isApi) return reply.sendFile('index.html');
    return handleNotFound(request, reply);
  });
}
