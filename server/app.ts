import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { authenticate, credentialKey, resolvePrincipal } from './auth/guard.ts';
import { pruneAudit } from './audit/audit.ts';
import type { Db } from './db/database.ts';
import { auditRoutes } from './auth/audit-routes.ts';
import { LoginThrottle, SharedLoginThrottle } from './auth/login-throttle.ts';
import { sharedHits, type SharedHits } from './cluster/counters.ts';
import { loginRoutes, sessionRoutes } from './auth/routes.ts';
import { IdleClock } from './auth/sessions.ts';
import { tokensRoutes } from './auth/tokens-routes.ts';
import { teamRoutes } from './auth/team-routes.ts';
import { socketAlive, socketClosed, socketOpened } from './auth/presence.ts';
import { usersRoutes } from './auth/users-routes.ts';
import type { Config } from './config.ts';
import { fileRoutes } from './conversation/file-routes.ts';
import { notesRoutes } from './conversation/notes-routes.ts';
import { conversationRoutes } from './conversation/routes.ts';
import { handleError, handleFrameworkError, handleNotFound } from './http/errors.ts';
import { sharedRateStore, tooManyReports } from './http/expensive.ts';
import { tlsOnlyHeaders, type TransportOptions } from './http/transport.ts';
import { rejectIllFormedText } from './http/unicode.ts';
import { healthRoutes } from './health/routes.ts';
import { insightRoutes } from './insight/routes.ts';
import { LIVE_MAX_PAYLOAD, liveRoutes, liveSocketError, type SocketCounter } from './live/routes.ts';
import { mediaRoutes } from './media/routes.ts';
import type { Services } from './services.ts';
import { ticketsRoutes } from './tickets/routes.ts';
import { quickRepliesRoutes } from './replies/routes.ts';
import { linkStatusOf } from './whatsapp/link-status.ts';
import { whatsappRoutes } from './whatsapp/routes.ts';
import { SimulatorDriver } from './whatsapp/simulator.ts';
import { simulatorRoutes } from './whatsapp/simulator-routes.ts';

const CONSOLE_DIR = path.resolve(import.meta.dirname, '../dist/console');

declare module 'fastify' {
  interface FastifyInstance {
    puente: Services;
  }
}

export interface AppOptions {
  services: Services;
  /** How often an open console socket's session is checked again (default 30 s). */
  liveRecheckMs?: number;
}

/**
 * What the app needs from the Fastify server it is registered on; main.ts (and the tests' helper)
 * add the logger and the process's socket timeouts.
 */
export function serverOptions(config: Config): FastifyServerOptions {
  return {
    bodyLimit: 256 * 1024,
    forceCloseConnections: true,
    // Behind a TLS reverse proxy: client address and X-Forwarded-Proto come from the proxy.
    trustProxy: config.TRUST_PROXY,
    frameworkErrors: handleFrameworkError,
  };
}

/**
 * The whole service as a plugin: main.ts registers it on the process's server, tests on one they
 * `inject` into. It owns the services handed to it: starts them when the server is ready, stops
 * them (and closes the database) when it closes. Not encapsulated (fastify-plugin), because the
 * error handler, the not-found handler and `app.puente` belong to the server it is registered on.
 */
export const puenteApp = fp(async function puente(server: FastifyInstance, options: AppOptions) {
  const { services } = options;
  const { config } = services;
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  server.setErrorHandler(handleError);
  server.addHook('preValidation', rejectIllFormedText);
  // Bodies are JSON only: a cross-site form cannot send that, one more guard besides SameSite.
  server.removeContentTypeParser('text/plain');

  const transport = { forceSecure: config.COOKIE_SECURE };
  server.decorate('puente', services);

  // HSTS and upgrade-insecure-requests are added per request by tlsOnlyHeaders, over TLS only.
  await server.register(helmet, {
    hsts: false,
    contentSecurityPolicy: {
      directives: { 'img-src': ["'self'", 'data:', 'blob:'], 'connect-src': ["'self'"], 'upgrade-insecure-requests': null },
    },
  });
  tlsOnlyHeaders(server, transport);
  await server.register(cookie);
  // Only routes that opt in (config.rateLimit) are limited, per session or token: see server/http/expensive.ts.
  // On PostgreSQL the counts are shared by every process (server/cluster/counters.ts).
  const hits = services.db.dialect === 'postgres' ? sharedHits(services.db) : null;
  await server.register(rateLimit, {
    global: false,
    hook: 'preHandler',
    keyGenerator: credentialKey,
    errorResponseBuilder: tooManyReports,
    ...(hits ? { store: sharedRateStore(hits) } : {}),
  });
  await server.register(websocket, { options: { maxPayload: LIVE_MAX_PAYLOAD }, errorHandler: (error, socket, request) => liveSocketError(error, socket, request) });
  registerRoutes(server, services, options, transport, hits);
  serveConsole(server);

  server.addHook('onReady', () => services.start());
  server.addHook('onClose', () => services.stop());
  pruneAuditDaily(server, services.db, services.config.AUDIT_RETENTION_DAYS);
}, { name: 'puente', fastify: '5.x' });

function registerRoutes(app: FastifyInstance, services: Services, options: AppOptions, transport: TransportOptions, hits: SharedHits | null) {
  const { db, events, driver, replies, tracker, config } = services;
  const policy = {
    ttlHours: config.SESSION_TTL_HOURS,
    idleMinutes: config.SESSION_IDLE_MINUTES,
    seen: new IdleClock(),
    cache: services.sessionCache ?? undefined,
  };
  app.register(healthRoutes, { linkState: () => tracker.current().state, detail: async (request) => {
    // The detail names faults inside the service: only for a signed-in user or a token.
    if (!(await resolvePrincipal(db, request, policy))) return null;
    return services.health.detail(await linkStatusOf(services));
  } });
  const throttle = hits ? new SharedLoginThrottle(hits) : new LoginThrottle();
  app.register(loginRoutes, { db, policy, transport, throttle });
  app.register(async (scope) => {
    scope.addHook('onRequest', authenticate(db, policy));
    await scope.register(sessionRoutes, { db, policy, throttle });
    await scope.register(auditRoutes, { db });
    await scope.register(usersRoutes, { db, policy });
    await scope.register(teamRoutes, { db });
    await scope.register(tokensRoutes, { db });
    await scope.register(ticketsRoutes, { db, events, sla: config.sla, versions: services.versions });
    await scope.register(quickRepliesRoutes, { db });
    await scope.register(insightRoutes, { db, sla: config.sla, perMinute: config.REPORTS_PER_MINUTE });
    // A reply: conversation/routes.ts hands it to `replies` (conversation/send.ts, built in
    // services.ts), which stores it through messages/ and hands it to delivery/outbox.ts.
    await scope.register(conversationRoutes, { db, replies, maxChars: config.MAX_MESSAGE_CHARS, versions: services.versions });
    await scope.register(fileRoutes, { db, replies, quota: services.quota, maxChars: config.MAX_MESSAGE_CHARS });
    await scope.register(notesRoutes, { db, events, maxChars: config.MAX_MESSAGE_CHARS });
    const { remoteLink, leases } = services;
    // Polled every 5 s by each console: on a process without the link the holder's published status
    // (the lease row) is remembered like the stored versions (server/db/versions.ts).
    const polled = { ...services, leases: { read: () => services.versions.shared('lease', () => leases.read()) } };
    // Asking a holder that is not there would only wait out the answer's timeout.
    const forward = remoteLink ? async (action: 'connect' | 'logout') => ((await leases.read())?.live ? remoteLink.ask(action) : null) : undefined;
    await scope.register(whatsappRoutes, { db, driver, versions: services.versions, lease: services.lease, links: services.links, status: () => linkStatusOf(polled), health: services.health, forward });
    await scope.register(mediaRoutes, { db, store: services.media, limitBytes: services.quota.limitBytes });
    await scope.register(liveRoutes, {
      events,
      recheck: (request) => resolvePrincipal(db, request, policy),
      recheckMs: options.liveRecheckMs,
      sockets: hits ? sharedSockets(hits, options.liveRecheckMs ?? 30_000) : undefined,
      presence: {
        opened: (userId) => socketOpened(db, userId),
        alive: (id, userId) => socketAlive(db, id, userId),
        closed: (id) => socketClosed(db, id),
      },
    });
    if (driver instanceof SimulatorDriver) await scope.register(simulatorRoutes, { simulator: driver });
  });
}

/**
 * Live sockets counted on every process: a row per open socket, refreshed at each recheck and
 * deleted when it closes; a row left by a process that died stops counting after three rechecks.
 */
function sharedSockets(hits: SharedHits, recheckMs: number): SocketCounter {
  const windowMs = Math.max(3 * recheckMs, 60_000);
  return {
    async opened(key, max) {
      const counted = `s\0${key}`;
      const { times, ids } = await hits.add([counted], windowMs);
      if (times.get(counted)!.length <= max) return ids[0]!;
      await hits.remove(ids);
      return null;
    },
    alive: (id) => hits.touch([id]),
    closed: (id) => hits.remove([id]),
  };
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

/** The audit log keeps AUDIT_RETENTION_DAYS: pruned at start and once a day after. */
function pruneAuditDaily(app: FastifyInstance, db: Db, retentionDays: number) {
  let timer: NodeJS.Timeout | undefined;
  const prune = () =>
    pruneAudit(db, retentionDays)
      .then((pruned) => pruned > 0 && app.log.info({ pruned }, 'audit events pruned'))
      .catch((err) => app.log.error({ err }, 'audit prune failed'));
  app.addHook('onReady', async () => {
    await prune();
    timer = setInterval(() => void prune(), 86_400_000).unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
