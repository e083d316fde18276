import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTicket, eventually } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { callers } from '../../test/support/auth.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const { withCookie, withBearer, createToken } = callers(() => t);

describe('protected endpoints', () => {
  // Bodies that would succeed with credentials, so a guard that let them through would show.
  const endpoints: InjectOptions[] = [
    { method: 'GET', url: '/api/tickets' },
    { method: 'POST', url: '/api/tickets', payload: { phone: '+5214771234567', subject: 'colado' } },
    { method: 'GET', url: '/api/tickets/1' },
    { method: 'PATCH', url: '/api/tickets/1', payload: { status: 'closed' } },
    { method: 'POST', url: '/api/tickets/1/leido' },
    { method: 'GET', url: '/ticket/1/conversacion' },
    { method: 'POST', url: '/ticket/1/enviar-mensaje', payload: { mensaje: 'colado' } },
    { method: 'GET', url: '/api/whatsapp/status' },
    { method: 'POST', url: '/api/whatsapp/logout' },
    { method: 'POST', url: '/api/whatsapp/connect' },
    { method: 'GET', url: '/api/users' },
    { method: 'DELETE', url: '/api/users/2' },
    { method: 'POST', url: '/api/users', payload: { username: 'colado', password: 'clave-colada', role: 'admin' } },
    { method: 'GET', url: '/api/tokens' },
    { method: 'POST', url: '/api/tokens', payload: { name: 'colado' } },
    { method: 'DELETE', url: '/api/tokens/1' },
    { method: 'GET', url: '/api/plantillas' },
    { method: 'POST', url: '/api/messages/1/reenviar' },
    { method: 'POST', url: '/api/simulator/inbound', payload: { from: '+5214771234567', body: 'colado' } },
    { method: 'POST', url: '/api/simulator/connection', payload: { state: 'disconnected' } },
    { method: 'GET', url: '/api/simulator/sent' },
    { method: 'POST', url: '/api/simulator/numbers', payload: { phone: '+5214771234567', whatsapp: false } },
    { method: 'GET', url: '/api/auth/me' },
    { method: 'POST', url: '/api/auth/logout' },
  ];
  const label = (e: InjectOptions) => `${e.method} ${e.url}`;

  async function snapshot() {
    return {
      tickets: await prisma().ticket.findMany(),
      messages: await prisma().message.count(),
      users: await prisma().user.count(),
      tokens: await prisma().apiToken.findMany(),
      sessions: await prisma().session.count(),
      whatsapp: t.simulator.state().state,
      sent: (await t.simulator.sent()).length,
    };
  }

  it.each(endpoints.map((e) => [label(e), e] as const))('%s answers 401 no_autenticado without credentials', async (_, endpoint) => {
    await createTicket(t);
    await createToken();
    const before = await snapshot();

    const response = await t.app.inject(endpoint);

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'no_autenticado', mensaje: 'Inicia sesión o envía un token de integración válido.' });
    expect(await snapshot()).toEqual(before);
  });

  it.each(endpoints.map((e) => [label(e), e] as const))('%s answers 401 no_autenticado with a bogus bearer token', async (_, endpoint) => {
    await createTicket(t);
    await createToken();
    const before = await snapshot();

    const response = await withBearer('pnt_no-es-un-token-valido', endpoint);

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'no_autenticado', mensaje: expect.any(String) });
    expect(await snapshot()).toEqual(before);
  });

  it('a bogus bearer token is refused even next to a valid session cookie', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { ...t.admin, authorization: 'Bearer pnt_falso' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('GET /healthz answers 200 without credentials', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', whatsapp: expect.any(String) });
  });
});

describe('credentials, case by case', () => {
  it('reads the Bearer scheme case-insensitively, as HTTP says', async () => {
    const { token } = await createToken();
    const response = await t.app.inject({ url: '/api/plantillas', headers: { authorization: `bearer ${token}` } });
    expect(response.statusCode).toBe(200);
  });

  it('records when a token was last used', async () => {
    const { id, token } = await createToken();
    await withBearer(token, { method: 'GET', url: '/api/plantillas' });
    await eventually(async () => (await prisma().apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt !== null);
  });

  it('clears a dead session cookie when it answers 401', async () => {
    const response = await withCookie('puente_sesion=caducada', { method: 'GET', url: '/api/auth/me' });
    expect(response.statusCode).toBe(401);
    expect(String(response.headers['set-cookie'])).toMatch(/^puente_sesion=;/);
  });
});
