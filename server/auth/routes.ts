import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { tooManyAttempts, unauthenticated } from '../http/errors.ts';
import { isSecureRequest, type TransportOptions } from '../http/transport.ts';
import { login, logout } from './accounts.ts';
import { currentUser, SESSION_COOKIE } from './guard.ts';
import { LoginThrottle } from './login-throttle.ts';

const credentials = z.object({
  username: z.string({ error: 'falta el usuario' }).trim().min(1, 'falta el usuario').max(100),
  password: z.string({ error: 'falta la contraseña' }).min(1, 'falta la contraseña').max(200),
});

/** Login is public (throttled per account and address, see login-throttle.ts); the rest of the session routes sit behind the guard. */
export const loginRoutes: FastifyPluginAsyncZod<{ db: Db; ttlHours: number; transport: TransportOptions; throttle?: LoginThrottle }> = async (
  app,
  { db, ttlHours, transport, throttle = new LoginThrottle() },
) => {
  app.post(
    '/api/auth/login',
    { schema: { body: credentials } },
    async (request, reply) => {
      const { username, password } = request.body;
      const verdict = throttle.check(username, request.ip);
      if (!verdict.allowed) {
        reply.header('retry-after', String(verdict.retryAfterS));
        throw tooManyAttempts();
      }
      const session = await login(db, username, password, ttlHours);
      if (verdict.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, verdict.delayMs));
      if (!session) {
        throttle.failed(username, request.ip);
        throw unauthenticated('Usuario o contraseña incorrectos.');
      }
      throttle.succeeded(username, request.ip);
      request.log.info({ userId: session.user.id }, 'login');
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: isSecureRequest(request, transport),
        expires: session.expiresAt,
      });
      return { user: session.user };
    },
  );
};

export const sessionRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/api/auth/me', async (request) => {
    const user = currentUser(request);
    return user ? { user } : { integration: request.principal };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    if (request.principal?.kind === 'user') await logout(db, request.principal.sessionHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });
};
