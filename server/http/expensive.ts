import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

/**
 * Route config for an expensive route (@fastify/rate-limit, keyed per session or token in app.ts).
 * Statistics, exports and PDFs read every ticket of a period and build a file: a script (or a
 * stuck button) repeating them would starve the replies. Each session may ask each such route
 * `perMinute` times a minute (REPORTS_PER_MINUTE); the next answers 429 with Retry-After.
 */
export const expensive = (perMinute: number) => ({ rateLimit: { max: perMinute, timeWindow: 60_000 } });

export function tooManyRequests(_request: FastifyRequest, context: { ttl: number }) {
  const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
  return new AppError(429, 'demasiadas_solicitudes', `Demasiadas solicitudes de informes seguidas. Espera ${seconds} s y vuelve a intentarlo.`);
}
