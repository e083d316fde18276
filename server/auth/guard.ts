import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/database.ts';
import { crossSiteRequest, forbidden, unauthenticated } from '../http/errors.ts';
import { isSameOrigin, needsSameOrigin } from '../http/same-origin.ts';
import { principalFromToken, type Principal } from './accounts.ts';
import { BACKGROUND_HEADER, sessionPrincipal, type SessionPolicy } from './sessions.ts';

export const SESSION_COOKIE = 'puente_sesion';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const match = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ?? null;
}

/**
 * Who the request's credential belongs to, looked up now. `touch`: the request is the person's
 * own doing (not a poll, not a socket's periodic recheck), so it keeps their session from idling.
 */
export function resolvePrincipal(db: Db, request: FastifyRequest, policy: SessionPolicy, touch = false): Promise<Principal | null> {
  const bearer = bearerToken(request);
  const cookie = request.cookies[SESSION_COOKIE];
  if (bearer) return principalFromToken(db, bearer);
  return cookie ? sessionPrincipal(db, cookie, policy, { touch }) : Promise.resolve(null);
}

/** onRequest hook for every protected route: a session cookie or an integration token. */
export function authenticate(db: Db, policy: SessionPolicy) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const bearer = bearerToken(request);
    const cookie = request.cookies[SESSION_COOKIE];
    // The browser attaches the cookie to requests other sites' pages make; tokens it never sends.
    if (!bearer && cookie && needsSameOrigin(request) && !isSameOrigin(request)) throw crossSiteRequest();
    request.principal = await resolvePrincipal(db, request, policy, request.headers[BACKGROUND_HEADER] !== '1');
    if (!request.principal) {
      if (cookie) reply.clearCookie(SESSION_COOKIE, { path: '/' }); // a dead session should not linger
      throw unauthenticated(bearer || !cookie ? undefined : 'Tu sesión expiró. Vuelve a iniciar sesión.');
    }
  };
}

export async function requireAdmin(request: FastifyRequest, _reply: FastifyReply) {
  if (request.principal?.role !== 'admin') throw forbidden();
}

export function currentUser(request: FastifyRequest) {
  return request.principal?.kind === 'user' ? request.principal.user : null;
}

/** A name for the history's `author` field: the technician, or the integration's token name. */
export function authorOf(principal: Principal | null): { authorId?: number; authorName?: string } {
  if (principal?.kind === 'user') {
    return { authorId: principal.user.id, authorName: principal.user.displayName ?? principal.user.username };
  }
  return principal ? { authorName: principal.name } : {};
}

/** One key per session or token (the address before the guard ran), for per-session limits. */
export function credentialKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind === 'user') return `sesion:${principal.sessionHash}`;
  return principal ? `token:${principal.tokenId}` : `ip:${request.ip}`;
}
