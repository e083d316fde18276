import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/accounts.ts';
import type { EventBus, PuenteEvent } from '../events.ts';
import { credentialKey } from '../auth/guard.ts';
import { invalidRequest, tooManyRequests } from '../http/errors.ts';
import { withoutQr } from '../whatsapp/status.ts';

/** What one console may see of an event: the QR only reaches admins. */
function visibleTo(isAdmin: boolean, event: PuenteEvent): PuenteEvent {
  if (event.type !== 'whatsapp' || isAdmin) return event;
  return { type: 'whatsapp', status: withoutQr(event.status) };
}

export interface LiveOptions {
  events: EventBus;
  /** Looks the socket's credential up again; null once it was logged out, expired or revoked. */
  recheck: (request: FastifyRequest) => Promise<Principal | null>;
  recheckMs?: number;
  /** Open sockets one session (or token) may hold; more are refused with 429 (default 10). */
  maxPerSession?: number;
  /** Counts the open sockets; in this process's memory unless given (PostgreSQL: shared, see server/cluster/counters.ts). */
  sockets?: SocketCounter;
  /** Records each signed-in person's open sockets, so the team sees who is online (server/auth/presence.ts). */
  presence?: PresenceHooks;
}

export interface PresenceHooks {
  opened(userId: number): Promise<string>;
  alive(id: string, userId: number): Promise<void>;
  closed(id: string): Promise<void>;
}

/**
 * The console only listens on this socket and never sends, so anything a client sends is ignored;
 * a frame over this many bytes closes the socket with 1009 (ws's default would buffer up to 100 MiB).
 */
export const LIVE_MAX_PAYLOAD = 4096;

/**
 * @fastify/websocket's errorHandler. A frame the protocol refuses (over LIVE_MAX_PAYLOAD, text
 * that is not UTF-8, reserved bits…) is the client's doing: ws has already answered it with the
 * close code RFC 6455 gives (1009, 1007, 1002), so the closing handshake is let finish and one
 * info line names it — the default handler logged each at error level with ws's stack. A client
 * that vanished mid-write is logged the same way; anything else is ours and stays an error.
 */
export function liveSocketError(error: Error & { code?: string }, socket: { terminate(): void }, request: FastifyRequest) {
  const code = error.code ?? '';
  if (code.startsWith('WS_ERR_')) {
    request.log.info({ code, reason: error.message }, 'live socket refused a frame');
    return;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') request.log.info({ code }, 'live socket dropped by the client');
  else request.log.error({ err: error }, 'live socket failed');
  socket.terminate();
}

/** Open sockets per session or token: `opened` answers a handle, or null when the limit is reached. */
export interface SocketCounter {
  opened(key: string, max: number): Promise<string | null>;
  alive(handle: string): Promise<void>;
  closed(handle: string): Promise<void>;
}

/** One process's sockets, in its memory. */
export function localSockets(): SocketCounter {
  const open = new Map<string, number>();
  return {
    async opened(key, max) {
      const now = open.get(key) ?? 0;
      if (now >= max) return null;
      open.set(key, now + 1);
      return key;
    },
    async alive() {},
    async closed(key) {
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    },
  };
}

const tooManySockets = () =>
  tooManyRequests('Esta sesión ya tiene demasiadas conexiones en vivo abiertas: cierra otras pestañas de Puente.');

/**
 * Pushes domain events to authenticated consoles (the scope's guard ran on the upgrade). A socket
 * outlives the request that opened it, so its credential is checked again while it stays open.
 */
export const liveRoutes: FastifyPluginAsync<LiveOptions> = async (app, { events, recheck, recheckMs = 30_000, maxPerSession = 10, presence, sockets = localSockets() }) => {
  // A console that leaks sockets (or a script) must not hold unbounded subscribers and timers.
  // The socket is counted before the upgrade, so the refusal is a plain 429 answer.
  const handles = new WeakMap<FastifyRequest, string>();
  app.route({
    method: 'GET',
    url: '/api/live',
    preHandler: async (request) => {
      const handle = await sockets.opened(credentialKey(request), maxPerSession);
      if (handle === null) throw tooManySockets();
      handles.set(request, handle);
    },
    // A plain HTTP GET (no upgrade) gets the contract's error body, not an empty 404.
    handler: async (request) => {
      const handle = handles.get(request);
      if (handle !== undefined) await sockets.closed(handle); // counted in preHandler, never opened
      throw invalidRequest('Esta dirección solo acepta conexiones WebSocket.');
    },
    wsHandler: (socket, request) => {
      const handle = handles.get(request)!;
      const counted = (work: Promise<void>) => void work.catch((err) => request.log.warn({ err }, 'live socket count write failed'));
      let isAdmin = request.principal?.role === 'admin';
      const unsubscribe = events.subscribe(
        (event) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(visibleTo(isAdmin, event)));
        },
        { everywhere: true },
      );
      const seen = present(request, presence, events);
      const timer = setInterval(async () => {
        const principal = await recheck(request).catch(() => null);
        if (!principal) return socket.close(4401, 'no_autenticado');
        isAdmin = principal.role === 'admin';
        seen.alive();
        counted(sockets.alive(handle));
      }, recheckMs);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(timer);
        unsubscribe();
        seen.closed();
        counted(sockets.closed(handle));
      };
      socket.on('close', end);
      socket.on('error', end);
    },
  });
};

/**
 * A person's socket counts as presence while it is open; integration tokens are not people. Each
 * arrival and departure tells every console to read the team again (the event carries no state:
 * two tabs of one person must not make the other consoles guess). A failed presence write is
 * logged and never ends the socket: presence is a courtesy, the live channel is not.
 */
function present(request: FastifyRequest, presence: PresenceHooks | undefined, events: EventBus) {
  const principal = request.principal;
  if (!presence || principal?.kind !== 'user') return { alive() {}, closed() {} };
  const userId = principal.user.id;
  const warn = (err: unknown) => request.log.warn({ err, userId }, 'presence write failed');
  const id = presence.opened(userId).then(
    (rowId) => {
      events.emit({ type: 'equipo' });
      return rowId;
    },
    (err) => {
      warn(err);
      return null;
    },
  );
  return {
    alive: () => void id.then((rowId) => (rowId ? presence.alive(rowId, userId) : undefined)).catch(warn),
    closed: () =>
      void id
        .then(async (rowId) => {
          if (!rowId) return;
          await presence.closed(rowId);
          events.emit({ type: 'equipo' });
        })
        .catch(warn),
  };
}
