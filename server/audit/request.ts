import type { FastifyRequest } from 'fastify';
import type { AuditAction, AuditInput } from './audit.ts';

/**
 * The event an audited request records: who (the signed-in person, the integration's token, or
 * at a login the name as typed, so attempts on unknown names show too) and from which address.
 */
export function auditOf(request: FastifyRequest, action: AuditAction, target?: string | number | null, detail?: Record<string, unknown>): AuditInput {
  return { ...actorOf(request), action, target: target === undefined || target === null ? null : String(target), ip: request.ip, detail };
}

function actorOf(request: FastifyRequest): { actor: string | null; actorId: number | null } {
  const principal = request.principal;
  if (principal?.kind === 'user') return { actor: principal.user.username, actorId: principal.user.id };
  if (principal?.kind === 'token') return { actor: `token:${principal.name}`, actorId: null };
  const typed = (request.body as { username?: unknown } | undefined)?.username;
  return { actor: typeof typed === 'string' ? typed.trim().slice(0, 100) : null, actorId: null };
}
