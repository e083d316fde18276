import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../audit/audit.ts';
import { auditOf } from '../audit/request.ts';
import type { SessionsEnded } from '../contract/index.ts';
import type { Db } from '../db/database.ts';
import { forbidden, tooManyAttempts, unauthenticated, wrongCurrentPassword } from '../http/errors.ts';
import { isSecureRequest, type TransportOptions } from '../http/transport.ts';
import { verifyCredentials } from './accounts.ts';
import { currentUser, SESSION_COOKIE } from './guard.ts';
import { LoginThrottle, type LoginLimiter } from './login-throttle.ts';
import { changeOwnPassword } from './passwords.ts';
import { endOtherSessions, endSession, openSession, renewSession, type SessionPolicy } from './sessions.ts';
import { newPassword } from './users-routes.ts';

const credentials = z.object({
  username: z.string({ error: 'falta el usuario' }).trim().min(1, 'falta el usuario').max(100),
  password: z.string({ error: 'falta la contraseña' }).min(1, 'falta la contraseña').max(200),
});

const passwordChange = z.object({
  actual: z.string({ error: 'falta la contraseña actual' }).min(1, 'falta la contraseña actual').max(200),
  nueva: newPassword,
});

/** What the console needs to warn before the idle timeout ends the session. */
const sessionInfo = (policy: SessionPolicy) => ({ inactividadMin: policy.idleMinutes });

/** Login is public (throttled per account and address, see login-throttle.ts); the rest of the session routes sit behind the guard. */
export const loginRoutes: FastifyPluginAsyncZod<{ db: Db; policy: SessionPolicy; transport: TransportOptions; throttle?: LoginLimiter }> = async (
  app,
  { db, policy, transport, throttle = new LoginThrottle() },
) => {
  app.post(
    '/api/auth/login',
    { schema: { body: credentials } },
    async (request, reply) => {
      const { username, password } = request.body;
      const verdict = await throttle.check(username, request.ip);
      if (!verdict.allowed) {
        await recordAudit(db, auditOf(request, 'login_bloqueado'));
        reply.header('retry-after', String(verdict.retryAfterS));
        throw tooManyAttempts();
      }
      const user = await verifyCredentials(db, username, password);
      if (verdict.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, verdict.delayMs));
      if (!user) {
        await throttle.failed(username, request.ip);
        await recordAudit(db, auditOf(request, 'login_fallido'));
        throw unauthenticated('Usuario o contraseña incorrectos.');
      }
      await throttle.succeeded(username, request.ip);
      const audit = { ...auditOf(request, 'login'), actor: user.username, actorId: user.id };
      const session = await openSession(db, user.id, policy, { replacing: request.cookies[SESSION_COOKIE], audit });
      request.log.info({ userId: user.id }, 'login');
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: isSecureRequest(request, transport),
        expires: session.expiresAt,
      });
      return { user, sesion: sessionInfo(policy) };
    },
  );
};

/** `throttle` is the login's: guessing a password through this form is slowed exactly like logging in. */
export const sessionRoutes: FastifyPluginAsyncZod<{ db: Db; policy: SessionPolicy; throttle: LoginLimiter }> = async (
  app,
  { db, policy, throttle },
) => {
  app.get('/api/auth/me', async (request) => {
    const user = currentUser(request);
    return user ? { user, sesion: sessionInfo(policy) } : { integration: request.principal };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    if (request.principal?.kind === 'user') await endSession(db, policy, request.principal.sessionHash, auditOf(request, 'logout'));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  /** "Seguir conectado": the person is here, whatever the polls said. */
  app.post('/api/auth/renovar', async (request, reply) => {
    if (request.principal?.kind !== 'user') throw forbidden();
    await renewSession(db, request.principal.sessionHash, policy);
    return reply.code(204).send();
  });

  /** "Cerrar las demás sesiones": every other browser of this account is signed out now. */
  app.post('/api/auth/cerrar-otras', async (request) => {
    if (request.principal?.kind !== 'user') throw forbidden();
    const cerradas = await endOtherSessions(db, policy, request.principal.user.id, request.principal.sessionHash, auditOf(request, 'sesiones_cerradas'));
    request.log.info({ userId: request.principal.user.id, ended: cerradas }, 'other sessions ended');
    return { cerradas } satisfies SessionsEnded;
  });

  /** "Mi cuenta": the current password proves it is the owner and not someone at an unlocked screen. */
  app.post('/api/auth/contrasena', { schema: { body: passwordChange } }, async (request, reply) => {
    const principal = request.principal;
    if (principal?.kind !== 'user') throw forbidden();
    const verdict = await throttle.check(principal.user.username, request.ip);
    if (!verdict.allowed) {
      await recordAudit(db, auditOf(request, 'contrasena_bloqueada'));
      reply.header('retry-after', String(verdict.retryAfterS));
      throw tooManyAttempts();
    }
    const mine = { id: principal.user.id, sessionHash: principal.sessionHash };
    const outcome = await changeOwnPassword(db, mine, request.body.actual, request.body.nueva, auditOf(request, 'contrasena_cambiada'), policy);
    if (verdict.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, verdict.delayMs));
    if (outcome === 'wrong_password') {
      await throttle.failed(principal.user.username, request.ip);
      await recordAudit(db, auditOf(request, 'contrasena_fallida'));
      throw wrongCurrentPassword();
    }
    await throttle.succeeded(principal.user.username, request.ip);
    request.log.info({ userId: principal.user.id }, 'password changed');
    return reply.code(204).send();
  });
};
