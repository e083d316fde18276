import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Browsers keep HSTS this long (one year) once they saw it over TLS. */
const HSTS = 'max-age=31536000; includeSubDomains';

export interface TransportOptions {
  /** COOKIE_SECURE=on: the operator states the console is only ever reached over https. */
  forceSecure: boolean;
}

/**
 * Whether this request reached the user over TLS: directly, or per X-Forwarded-Proto of a trusted
 * proxy (Fastify reads that header only when TRUST_PROXY=on), or because COOKIE_SECURE=on says so.
 * The one place that decides HSTS, `upgrade-insecure-requests` and the cookie's Secure flag: over
 * plain HTTP those would make the browser drop the cookie and fetch the console's assets over
 * https, which is the blank page seen on the LAN.
 */
export function isSecureRequest(request: FastifyRequest, { forceSecure }: TransportOptions): boolean {
  return forceSecure || request.protocol === 'https';
}

/**
 * Adds HSTS and `upgrade-insecure-requests` to TLS requests only. Helmet is registered without
 * either, so plain HTTP on the LAN keeps working; this hook runs after Helmet's on each request.
 */
export function tlsOnlyHeaders(app: FastifyInstance, options: TransportOptions) {
  app.addHook('onRequest', async (request, reply) => {
    if (!isSecureRequest(request, options)) return;
    reply.header('strict-transport-security', HSTS);
    const csp = reply.raw.getHeader('content-security-policy') ?? reply.getHeader('content-security-policy');
    if (typeof csp === 'string') reply.raw.setHeader('content-security-policy', `${csp};upgrade-insecure-requests`);
  });
}
