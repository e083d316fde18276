import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { recordAudit } from './audit.ts';

/**
 * Which requests the audit log keeps, by route and answer: one table here instead of a call in
 * every handler, so a route cannot be audited on one path and forgotten on another. Only
 * requests that did something (2xx) count, except the login, whose refusals matter most.
 */
const ACTIONS: Record<string, string> = {
  'POST /api/auth/logout': 'logout',
  'POST /api/auth/cerrar-otras': 'sesiones_cerradas',
  'POST /api/auth/contrasena': 'contrasena_cambiada',
  'POST /api/users': 'cuenta_creada',
  'DELETE /api/users/:id': 'cuenta_desactivada',
  'POST /api/users/:id/reactivar': 'cuenta_reactivada',
  'POST /api/users/:id/contrasena': 'contrasena_restablecida',
  'POST /api/tokens': 'token_creado',
  'DELETE /api/tokens/:id': 'token_revocado',
  'POST /api/whatsapp/connect': 'whatsapp_vinculado',
  'POST /api/whatsapp/logout': 'whatsapp_desvinculado',
  'GET /api/exportes/tickets.csv': 'exporte_csv',
  'GET /api/exportes/tickets.xlsx': 'exporte_xlsx',
  'GET /api/exportes/tickets.pdf': 'exporte_pdf',
  'GET /api/tickets/:id/transcripcion.pdf': 'exporte_transcripcion',
};

function actionOf(request: FastifyRequest, status: number): string | null {
  const route = `${request.method} ${request.routeOptions.url}`;
  if (route === 'POST /api/auth/login') {
    if (status === 200) return 'login';
    if (status === 401) return 'login_fallido';
    if (status === 429) return 'login_bloqueado';
    return null;
  }
  if (route === 'POST /api/auth/contrasena' && status === 403) return 'contrasena_fallida';
  if (route === 'POST /api/auth/contrasena' && status === 429) return 'contrasena_bloqueada';
  return status >= 200 && status < 300 ? (ACTIONS[route] ?? null) : null;
}

function actorOf(request: FastifyRequest): { actor: string | null; actorId: number | null } {
  const principal = request.principal;
  if (principal?.kind === 'user') return { actor: principal.user.username, actorId: principal.user.id };
  if (principal?.kind === 'token') return { actor: `token:${principal.name}`, actorId: null };
  const typed = (request.body as { username?: unknown } | undefined)?.username; // a login: the name as typed
  return { actor: typeof typed === 'string' ? typed.trim().slice(0, 100) : null, actorId: null };
}

function targetOf(request: FastifyRequest): string | null {
  const params = request.params as { id?: unknown } | undefined;
  if (params?.id !== undefined) return String(params.id);
  const body = request.body as { username?: unknown; name?: unknown } | undefined;
  if (request.routeOptions.url === '/api/users' && typeof body?.username === 'string') return body.username;
  if (request.routeOptions.url === '/api/tokens' && typeof body?.name === 'string') return body.name;
  return null;
}

/** Export filters say what left the building; other queries are not kept. */
function detailOf(request: FastifyRequest): Record<string, unknown> | undefined {
  if (!request.routeOptions.url?.startsWith('/api/exportes/')) return undefined;
  const query = request.query as Record<string, unknown>;
  return Object.keys(query).length > 0 ? { filtros: query } : undefined;
}

/** Records the audited requests once answered. A failure to record is logged, never the request's problem. */
export function auditRequests(app: FastifyInstance, db: Db) {
  app.addHook('onResponse', async (request, reply) => {
    const action = actionOf(request, reply.statusCode);
    if (!action) return;
    const event = { ...actorOf(request), action, target: targetOf(request), ip: request.ip, detail: detailOf(request) };
    await recordAudit(db, event).catch((err) => (request.log as Logger).error({ err, action }, 'audit record failed'));
  });
}
