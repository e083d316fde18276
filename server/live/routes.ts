import type { FastifyPluginAsync } from 'fastify';
import type { EventBus, PuenteEvent } from '../events.ts';
import { withoutQr, type LinkStatus } from '../whatsapp/status.ts';

/** What one console may see of an event: the QR only reaches admins. */
function visibleTo(isAdmin: boolean, event: PuenteEvent): PuenteEvent {
  if (event.type !== 'whatsapp' || isAdmin) return event;
  return { type: 'whatsapp', status: withoutQr(event.status as unknown as LinkStatus) };
}

/** Pushes domain events to authenticated consoles (the scope's guard ran on the upgrade). */
export const liveRoutes: FastifyPluginAsync<{ events: EventBus }> = async (app, { events }) => {
  app.get('/api/live', { websocket: true }, (socket, request) => {
    const isAdmin = request.principal?.role === 'admin';
    const unsubscribe = events.subscribe((event) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(visibleTo(isAdmin, event)));
    });
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });
};
