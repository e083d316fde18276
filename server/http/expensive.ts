import type { FastifyRateLimitOptions, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { SharedHits } from '../cluster/counters.ts';
import { tooManyRequests } from './errors.ts';

/**
 * Route config for an expensive route (@fastify/rate-limit, keyed per session or token in app.ts).
 * Statistics, exports and PDFs read every ticket of a period and build a file: a script (or a
 * stuck button) repeating them would starve the replies. Each session may ask each such route
 * `perMinute` times a minute (REPORTS_PER_MINUTE); the next answers 429 with Retry-After.
 */
export const expensive = (perMinute: number) => ({ rateLimit: { max: perMinute, timeWindow: 60_000 } });

export function tooManyReports(_request: FastifyRequest, context: { ttl: number }) {
  const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
  return tooManyRequests(`Demasiadas solicitudes de informes seguidas. Espera ${seconds} s y vuelve a intentarlo.`);
}

/**
 * @fastify/rate-limit's store on PostgreSQL: each request a row of RateHit (server/cluster/counters.ts)
 * keyed by route and session, counted over the last `timeWindow` on every process, so N
 * processes behind a proxy still allow REPORTS_PER_MINUTE, not N times it. A refused request's
 * hit is taken back: hammering does not push the window on. Retry-After is when enough hits
 * have left the window for one more.
 */
export function sharedRateStore(hits: SharedHits): FastifyRateLimitStoreCtor {
  class SharedRateStore {
    constructor(
      _options: FastifyRateLimitOptions,
      private readonly route = '',
    ) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number, max: number) {
      const counted = `r\0${this.route}\0${key}`;
      hits
        .add([counted], timeWindow)
        .then(async ({ now, times, ids }) => {
          const list = times.get(counted)!;
          if (list.length > max) await hits.remove(ids);
          const freeing = list.length > max ? list[list.length - max]! : list[0]!;
          callback(null, { current: list.length, ttl: Math.max(0, freeing + timeWindow - now) });
        })
        .catch((err: Error) => callback(err));
    }

    // Each route gets its own child (the plugin passes the route's options): its own counts.
    child(routeOptions: unknown): SharedRateStore {
      const { method, url } = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ?? {};
      return new SharedRateStore({}, `${String(method)} ${url ?? ''}`);
    }
  }
  return SharedRateStore as unknown as FastifyRateLimitStoreCtor;
}
