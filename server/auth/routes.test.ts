import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ADMIN, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { callers, databaseBytes } from '../../test/support/auth.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const { login, asAdmin, withCookie, createTechnician } = callers(() => t);

describe('POST /api/auth/login', () => {
  it('401 no_autenticado for a wrong password and for an unknown user, with the same body and no cookie', async () => {
    const sessionsBefore = await prisma().session.count();
    const wrongPassword = await login(ADMIN.username, 'no-es-la-contraseña');
    const unknownUser = await login('nadie', ADMIN.password);

    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownUser.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual({ error: 'no_autenticado', mensaje: 'Usuario o contraseña incorrectos.' });
    expect(unknownUser.body).toBe(wrongPassword.body);
    expect(wrongPassword.headers['set-cookie']).toBeUndefined();
    expect(unknownUser.headers['set-cookie']).toBeUndefined();
    expect(await prisma().session.count()).toBe(sessionsBefore);
  });

  it('200 with the user and an HttpOnly, SameSite=Strict session cookie for the whole site, whose hash alone is stored', async () => {
    const response = await login(ADMIN.username, ADMIN.password);

    expect(response.statusCode).toBe(200);
    const admin = await prisma().user.findUniqueOrThrow({ where: { username: ADMIN.username } });
    expect(response.json()).toEqual({ user: { id: admin.id, username: 'admin', displayName: 'Administrador', role: 'admin' }, sesion: { inactividadMin: 30 } });
    const header = String(response.headers['set-cookie']);
    expect(header).toMatch(/^puente_sesion=[^;]+;/);
    expect(header).toMatch(/; HttpOnly(;|$)/);
    expect(header).toMatch(/; SameSite=Strict(;|$)/);
    expect(header).toMatch(/; Path=\/(;|$)/);
    expect(header).not.toMatch(/; Secure/); // COOKIE_SECURE is off by default (plain HTTP on a LAN)

    const cookie = response.cookies.find((c) => c.name === 'puente_sesion')!;
    const stored = await prisma().session.findUnique({ where: { tokenHash: sha256(cookie.value) } });
    expect(stored).toMatchObject({ userId: admin.id });
    // SESSION_TTL_HOURS defaults to 12; the cookie expires with the session.
    expect(Math.abs(stored!.expiresAt.getTime() - (Date.now() + 12 * 3_600_000))).toBeLessThan(60_000);
    expect(Math.abs(new Date(cookie.expires!).getTime() - stored!.expiresAt.getTime())).toBeLessThan(1_000);
    expect(await prisma().session.count({ where: { tokenHash: cookie.value } })).toBe(0);
    expect(databaseBytes(t.dataDir).includes(Buffer.from(cookie.value))).toBe(false);
  });

  it('401 no_autenticado for a deactivated account, whose open sessions stop working too', async () => {
    const technician = await createTechnician();
    await prisma().user.update({ where: { id: technician.id }, data: { active: false } });

    const response = await login('tecnico1', 'clave-del-tecnico');

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'no_autenticado', mensaje: 'Usuario o contraseña incorrectos.' });
    expect((await withCookie(technician.cookie, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('400 solicitud_invalida for a body without a password', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'password: falta la contraseña' });
  });

  it('429 demasiadas_solicitudes after 5 failures of one account from one address, even with the right password', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await login(ADMIN.username, `intento-${attempt}`)).statusCode).toBe(401);
    }
    const sessionsBefore = await prisma().session.count();

    const response = await login(ADMIN.username, ADMIN.password);

    expect(response.statusCode).toBe(429);
    expect(response.json()).toEqual({ error: 'demasiadas_solicitudes', mensaje: expect.stringMatching(/intentos/) });
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(await prisma().session.count()).toBe(sessionsBefore);
  });

  it('an office behind one address is not locked out by one person\'s failures', async () => {
    await createTechnician('tecnico1', 'clave-del-tecnico');
    for (let attempt = 1; attempt <= 12; attempt++) await login(ADMIN.username, `intento-${attempt}`);
    expect((await login('tecnico1', 'clave-del-tecnico')).statusCode).toBe(200);
    // The admin from another address is not locked out either.
    const elsewhere = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.9', payload: ADMIN });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('answers an unknown user exactly like a wrong password, throttle included', async () => {
    const answers = async (username: string) => {
      const seen = [];
      for (let attempt = 1; attempt <= 6; attempt++) {
        const response = await login(username, 'no-es-la-clave');
        seen.push([response.statusCode, response.body, response.headers['set-cookie'] ?? null]);
      }
      return seen;
    };
    expect(await answers('nadie-con-este-nombre')).toEqual(await answers(ADMIN.username));
  });
});

describe('GET /api/auth/me', () => {
  it('401 no_autenticado without a session', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'no_autenticado', mensaje: 'Inicia sesión o envía un token de integración válido.' });
  });

  it('401 with the "sesión expiró" message for a session past its expiry', async () => {
    const token = t.admin.cookie.replace('puente_sesion=', '');
    await prisma().session.update({ where: { tokenHash: sha256(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const response = await asAdmin({ method: 'GET', url: '/api/auth/me' });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'no_autenticado', mensaje: 'Tu sesión expiró. Vuelve a iniciar sesión.' });
  });

  it('200 with the logged-in user for a live session', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'GET', url: '/api/auth/me' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ user: { id: technician.id, username: 'tecnico1', displayName: null, role: 'tecnico' }, sesion: { inactividadMin: 30 } });
  });
});

describe('POST /api/auth/logout', () => {
  it('401 no_autenticado without a session', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/logout' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'no_autenticado' });
  });

  it('204 clears the cookie and ends the session: the same cookie then gets 401', async () => {
    const other = await loginCookie(t.app, ADMIN.username, ADMIN.password);
    const response = await asAdmin({ method: 'POST', url: '/api/auth/logout' });

    expect(response.statusCode).toBe(204);
    expect(String(response.headers['set-cookie'])).toMatch(/^puente_sesion=;.*Expires=Thu, 01 Jan 1970/);
    const token = t.admin.cookie.replace('puente_sesion=', '');
    expect(await prisma().session.findUnique({ where: { tokenHash: sha256(token) } })).toBeNull();
    const after = await asAdmin({ method: 'GET', url: '/api/auth/me' });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: 'no_autenticado' });
    // Only that session ended: the admin's other browser stays logged in.
    expect((await withCookie(other, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
  });
});
