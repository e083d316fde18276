import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Writes, and the WebSocket upgrade (a GET whose socket then carries the session's events). */
export function needsSameOrigin(request: FastifyRequest): boolean {
  return !SAFE_METHODS.has(request.method) || request.headers.upgrade?.toLowerCase() === 'websocket';
}

/**
 * Whether a browser sent this request from the console's own origin. Browsers set Sec-Fetch-Site
 * and Origin themselves (pages cannot forge them); a request with neither comes from a
 * non-browser client, which no other site can steer into carrying the user's cookie.
 * Host is `request.host`: the Host header, or X-Forwarded-Host with TRUST_PROXY=on.
 */
export function isSameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    const from = new URL(origin);
    // Parse our Host with the Origin's scheme so a default port (":80") compares equal to none.
    return from.host === new URL(`${from.protocol}//${request.host}`).host;
  } catch {
    return false; // "null" (sandboxed frames, file://) or garbage
  }
}
