import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HealthDetail } from './health.ts';

export interface HealthRouteDeps {
  /** The WhatsApp link's state, as the plain body has always told it. */
  linkState: () => string;
  /** The detail for a signed-in user or a token; null for anyone else. */
  detail: (request: FastifyRequest) => Promise<HealthDetail | null>;
}

const query = z.object({ detalle: z.string().max(10).optional() });

/**
 * `GET /healthz`: 200 while HTTP is up, for anyone (monitors, load balancers), with the WhatsApp
 * state. `?detalle=1` adds, for a signed-in user or a token, what is wrong inside: storage,
 * database, WhatsApp and clock. Anonymous callers get the plain body either way.
 */
export const healthRoutes: FastifyPluginAsyncZod<HealthRouteDeps> = async (app, { linkState, detail }) => {
  app.get('/healthz', { schema: { querystring: query } }, async (request) => {
    const body = { status: 'ok', whatsapp: linkState() };
    if (request.query.detalle === undefined) return body;
    const detalle = await detail(request);
    return detalle ? { ...body, detalle } : body;
  });
};
