import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/accounts.ts';
import type { EventBus, PuenteEvent } from '../events.ts';
import { invalidRequest } from '../http/errors.ts';
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
}

/**
 * Pushes domain events to authenticated consoles (the scope's guard ran on the upgrade). A socket
 * outlives the request that opened it, so its credential is checked again while it stays open.
 */
export const liveRoutes: FastifyPluginAsync<LiveOptions> = async (app, { events, recheck, recheckMs = 30_000 }) => {
  app.route({
    method: 'GET',
    url: '/api/live',
    // A plain HTTP GET (no upgrade) gets the contract's error body, not an empty 404.
    handler: async () => {
      throw invalidRequest('Esta dirección solo acepta conexiones WebSocket.');
    },
    wsHandler: (socket, request) => {
      let isAdmin = request.principal?.role === 'admin';
      const unsubscribe = events.subscribe(
        (event) => {
          if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(visibleTo(isAdmin, event)));
        },
        { everywhere: true },
      );
      const timer = setInterval(async () => {
        const principal = await recheck(request).catch(() => null);
        if (!principal) return socket.close(4401, 'no_autenticado');
        isAdmin = principal.role === 'admin';
      }, recheckMs);
      const end = () => {
        clearInterval(timer);
        unsubscribe();
      };
      socket.on('close', end);
      socket.on('error', end);
    },
  });
};
