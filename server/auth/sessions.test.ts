import { createHash } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ADMIN, buildTestApp, eventually, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { BACKGROUND_HEADER } from './sessions.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const hashOf = (cookie: string) => createHash('sha256').update(cookie.replace(/^puente_sesion=/, '')).digest('hex');
const MINUTE = 60_000;

const withCookie = (cookie: string, options: InjectOptions = { method: 'GET', url: '/api/auth/me' }) =>
  t.app.inject({ ...options, headers: { ...options.headers, cookie } });

async function lastSeen(cookie: string): Promise<Date> {
  return (await prisma().session.findUniqueOrThrow({ where: { tokenHash: hashOf(cookie) } })).lastSeenAt;
}

/** Time passing, written by hand: on PostgreSQL the session cache is told, as the service's own writes tell it. */
async function setLastSeen(cookie: string, msAgo: number) {
  await t.app.puente.db.write((tx) =>
    tx.session.update({ where: { tokenHash: hashOf(cookie) }, data: { lastSeenAt: new Date(Date.now() - msAgo) } }),
  );
  t.app.puente.sessionCache?.forget({ session: hashOf(cookie) });
}

async function createTechnician(username = 'tecnico1', password = 'clave-del-tecnico') {
  const response = await withCookie(t.admin.cookie, { method: 'POST', url: '/api/users', payload: { username, password, role: 'tecnico' } });
  expect(response.statusCode).toBe(201);
  return loginCookie(t.app, username, password);
}

describe('idle timeout (SESSION_IDLE_MINUTES, default 30)', () => {
  it('GET /api/auth/me and the login tell the console the idle limit', async () => {
    const me = await withCookie(t.admin.cookie);
    expect(me.json()).toMatchObject({ sesion: { inactividadMin: 30 } });
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
    expect(login.json()).toMatchObject({ sesion: { inactividadMin: 30 } });
  });

  it('a session idle for longer than the limit (plus the one-minute write slack) answers 401 "expiró" and is gone', async () => {
    await setLastSeen(t.admin.cookie, 31 * MINUTE + 5_000);
    const response = await withCookie(t.admin.cookie);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'no_autenticado', mensaje: 'Tu sesión expiró. Vuelve a iniciar sesión.' });
    await eventually(async () => (await prisma().session.count({ where: { tokenHash: hashOf(t.admin.cookie) } })) === 0);
  });

  it('a session idle for less than the limit still works, although its lifetime is far from over either way', async () => {
    await setLastSeen(t.admin.cookie, 29 * MINUTE);
    expect((await withCookie(t.admin.cookie)).statusCode).toBe(200);
  });

  it('follows SESSION_IDLE_MINUTES', async () => {
    await t.close();
    t.replace(await buildTestApp({ SESSION_IDLE_MINUTES: '5' }));
    await setLastSeen(t.admin.cookie, 4 * MINUTE);
    expect((await withCookie(t.admin.cookie)).statusCode).toBe(200);
    await setLastSeen(t.admin.cookie, 6 * MINUTE + 5_000);
    expect((await withCookie(t.admin.cookie)).statusCode).toBe(401);
  });

  it('a request moves last-seen on, but writes it at most once a minute', async () => {
    await setLastSeen(t.admin.cookie, 30_000);
    const before = await lastSeen(t.admin.cookie);
    expect((await withCookie(t.admin.cookie)).statusCode).toBe(200);
    expect(await lastSeen(t.admin.cookie)).toEqual(before); // under a minute old: no write

    await setLastSeen(t.admin.cookie, 20 * MINUTE);
    expect((await withCookie(t.admin.cookie)).statusCode).toBe(200);
    await eventually(async () => Date.now() - (await lastSeen(t.admin.cookie)).getTime() < 5_000);
  });

  it(`a console poll (${BACKGROUND_HEADER}: 1) is served but does not keep the session alive`, async () => {
    await setLastSeen(t.admin.cookie, 20 * MINUTE);
    const before = await lastSeen(t.admin.cookie);
    const poll = await withCookie(t.admin.cookie, { method: 'GET', url: '/api/tickets', headers: { [BACKGROUND_HEADER]: '1' } });
    expect(poll.statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the write, were there one, is fire-and-forget
    expect(await lastSeen(t.admin.cookie)).toEqual(before);
  });
});

describe('POST /api/auth/renovar ("Seguir conectado")', () => {
  it('401 without a session', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/renovar' })).statusCode).toBe(401);
  });

  it('204 and last-seen is now, even when it was written under a minute ago', async () => {
    await setLastSeen(t.admin.cookie, 50_000);
    const response = await withCookie(t.admin.cookie, { method: 'POST', url: '/api/auth/renovar' });
    expect(response.statusCode).toBe(204);
    expect(Date.now() - (await lastSeen(t.admin.cookie)).getTime()).toBeLessThan(5_000);
  });
});

describe('login', () => {
  it('always issues a new session id and ends the one the browser came with (no fixation)', async () => {
    const planted = t.admin.cookie;
    const response = await withCookie(planted, { method: 'POST', url: '/api/auth/login', payload: ADMIN });
    expect(response.statusCode).toBe(200);
    const fresh = `puente_sesion=${response.cookies.find((c) => c.name === 'puente_sesion')!.value}`;
    expect(fresh).not.toBe(planted);
    expect((await withCookie(fresh)).statusCode).toBe(200);
    expect((await withCookie(planted)).statusCode).toBe(401);
  });
});

describe('POST /api/auth/cerrar-otras', () => {
  it('401 without a session, and ends nothing', async () => {
    const before = await prisma().session.count();
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/cerrar-otras' })).statusCode).toBe(401);
    expect(await prisma().session.count()).toBe(before);
  });

  it("ends every other session of the account, keeps the caller's and other people's", async () => {
    const other1 = await loginCookie(t.app, ADMIN.username, ADMIN.password);
    const other2 = await loginCookie(t.app, ADMIN.username, ADMIN.password);
    const technician = await createTechnician();

    const response = await withCookie(t.admin.cookie, { method: 'POST', url: '/api/auth/cerrar-otras' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ cerradas: 2 });
    expect((await withCookie(t.admin.cookie)).statusCode).toBe(200);
    expect((await withCookie(other1)).statusCode).toBe(401);
    expect((await withCookie(other2)).statusCode).toBe(401);
    expect((await withCookie(technician)).statusCode).toBe(200);
  });

  it('403 for an integration token', async () => {
    const created = await withCookie(t.admin.cookie, { method: 'POST', url: '/api/tokens', payload: { name: 'mesa' } });
    const { token } = created.json() as { token: string };
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/cerrar-otras', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
  });
});
