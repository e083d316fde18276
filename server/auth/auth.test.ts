import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, buildApp, buildTestApp, createTicket, eventually, loginCookie, type TestApp } from '../../test/support/app.ts';
import { loadConfig } from '../config.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

const prisma = () => t.app.puente.db.prisma;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

const asAdmin = (options: InjectOptions) => t.app.inject({ ...options, headers: { ...t.admin, ...options.headers } });
const withCookie = (cookie: string, options: InjectOptions) => t.app.inject({ ...options, headers: { ...options.headers, cookie } });
const withBearer = (token: string, options: InjectOptions) =>
  t.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });

/** Everything SQLite holds on disk for this service, so a secret can be looked for byte by byte. */
function databaseBytes(dataDir: string): Buffer {
  const files = fs.readdirSync(dataDir).filter((name) => name.startsWith('puente.db'));
  expect(files).toContain('puente.db');
  return Buffer.concat(files.map((name) => fs.readFileSync(path.join(dataDir, name))));
}

async function createTechnician(username = 'tecnico1', password = 'clave-del-tecnico') {
  const response = await asAdmin({ method: 'POST', url: '/api/users', payload: { username, password, role: 'tecnico' } });
  expect(response.statusCode).toBe(201);
  return { ...(response.json() as { id: number }), cookie: await loginCookie(t.app, username, password) };
}

async function createToken(name = 'mesa de ayuda') {
  const response = await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name } });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: number; name: string; token: string };
}

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

describe('passwords', () => {
  it('are stored as argon2id hashes, never in plain text', async () => {
    await createTechnician('tecnico2', 'otra-clave-secreta');
    const users = await prisma().user.findMany({ orderBy: { id: 'asc' } });

    expect(users.map((user) => user.username)).toEqual(['admin', 'tecnico2']);
    for (const user of users) expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
    const bytes = databaseBytes(t.dataDir);
    expect(bytes.includes(Buffer.from(ADMIN.password))).toBe(false);
    expect(bytes.includes(Buffer.from('otra-clave-secreta'))).toBe(false);
  });
});

describe('the first admin', () => {
  // Built by hand: buildTestApp always sets ADMIN_USERNAME/ADMIN_PASSWORD and logs in.
  const running: FastifyInstance[] = [];
  const closeAll = async () => {
    for (const app of running.splice(0)) await app.close();
  };
  afterEach(closeAll);

  async function build(dataDir: string, env: Record<string, string>) {
    const config = loadConfig({ DATA_DIR: dataDir, WHATSAPP_DRIVER: 'simulator', ...env });
    const app = await buildApp(config);
    running.push(app);
    await app.ready();
    return app;
  }

  it('without ADMIN_PASSWORD gets a random password, shown once, that logs in; a second start creates nobody', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-first-admin-'));
    try {
      const first = await build(dataDir, { ADMIN_USERNAME: '', ADMIN_PASSWORD: '' });
      const created = first.puente.firstAdmin!;
      expect(created).toEqual({ username: 'admin', password: expect.any(String), generated: true });
      expect(created.password.length).toBeGreaterThanOrEqual(12);
      const users = await first.puente.db.prisma.user.findMany();
      expect(users).toEqual([expect.objectContaining({ username: 'admin', role: 'admin' })]);
      expect(users[0].passwordHash).toMatch(/^\$argon2id\$/);
      expect((await loginCookie(first, 'admin', created.password)).startsWith('puente_sesion=')).toBe(true);
      await closeAll();

      const second = await build(dataDir, { ADMIN_USERNAME: '', ADMIN_PASSWORD: '' });
      expect(second.puente.firstAdmin).toBeNull();
      expect(await second.puente.db.prisma.user.count()).toBe(1);
      // The password printed the first time still works: nothing was regenerated.
      expect((await loginCookie(second, 'admin', created.password)).startsWith('puente_sesion=')).toBe(true);
    } finally {
      await closeAll();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('two services with no ADMIN_PASSWORD generate different passwords', async () => {
    const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'puente-first-admin-')));
    try {
      const passwords = [];
      for (const dir of dirs) passwords.push((await build(dir, {})).puente.firstAdmin!.password);
      expect(passwords[0]).not.toBe(passwords[1]);
    } finally {
      await closeAll();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with ADMIN_USERNAME and ADMIN_PASSWORD is created from them (not generated)', () => {
    expect(t.app.puente.firstAdmin).toEqual({ username: ADMIN.username, password: ADMIN.password, generated: false });
  });
});

describe('POST /api/tokens', () => {
  it('401 no_autenticado without credentials, and mints nothing', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'x' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'no_autenticado' });
    expect(await prisma().apiToken.count()).toBe(0);
  });

  it('403 sin_permiso for a technician, and mints nothing', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'POST', url: '/api/tokens', payload: { name: 'x' } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'sin_permiso', mensaje: expect.any(String) });
    expect(await prisma().apiToken.count()).toBe(0);
  });

  it('403 sin_permiso for an integration token: tokens cannot mint tokens', async () => {
    const { token } = await createToken();
    const post = await withBearer(token, { method: 'POST', url: '/api/tokens', payload: { name: 'otro' } });
    const list = await withBearer(token, { method: 'GET', url: '/api/tokens' });
    expect(post.statusCode).toBe(403);
    expect(post.json()).toMatchObject({ error: 'sin_permiso' });
    expect(list.statusCode).toBe(403);
    expect(await prisma().apiToken.count()).toBe(1);
  });

  it('400 solicitud_invalida without a name', async () => {
    const response = await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name: '   ' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'name: falta el nombre' });
    expect(await prisma().apiToken.count()).toBe(0);
  });

  it('201 {id, name, token}: the token works as a bearer on the contract endpoints and only its SHA-256 is stored', async () => {
    const ticket = await createTicket(t);
    const response = await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name: 'mesa de ayuda' } });

    expect(response.statusCode).toBe(201);
    const created = response.json() as { id: number; name: string; token: string };
    expect(created).toEqual({ id: expect.any(Number), name: 'mesa de ayuda', token: expect.any(String) });
    expect(created.token.length).toBeGreaterThanOrEqual(32);

    const conversation = await withBearer(created.token, { method: 'GET', url: `/ticket/${ticket.id}/conversacion` });
    expect(conversation.statusCode).toBe(200);
    expect(conversation.json()).toEqual({ historial: [] });

    const rows = await prisma().apiToken.findMany();
    expect(rows).toEqual([expect.objectContaining({ id: created.id, name: 'mesa de ayuda', tokenHash: sha256(created.token), revokedAt: null })]);
    for (const value of Object.values(rows[0])) expect(value).not.toBe(created.token);
    expect(databaseBytes(t.dataDir).includes(Buffer.from(created.token))).toBe(false);
  });
});

describe('GET /api/tokens', () => {
  it('401 no_autenticado without credentials', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/tokens' });
    expect(response.statusCode).toBe(401);
  });

  it('403 sin_permiso for a technician', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'GET', url: '/api/tokens' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
  });

  it('200 lists the tokens without the token or its hash', async () => {
    const created = await createToken('bot de intake');
    const response = await asAdmin({ method: 'GET', url: '/api/tokens' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      tokens: [{ id: created.id, name: 'bot de intake', createdAt: expect.any(String), lastUsedAt: null, revokedAt: null }],
    });
    expect(response.body).not.toContain(created.token);
    expect(response.body).not.toContain(sha256(created.token));
  });
});

describe('DELETE /api/tokens/:id', () => {
  it('401 no_autenticado without credentials, and revokes nothing', async () => {
    const created = await createToken();
    const response = await t.app.inject({ method: 'DELETE', url: `/api/tokens/${created.id}` });
    expect(response.statusCode).toBe(401);
    expect(await prisma().apiToken.findUnique({ where: { id: created.id } })).toMatchObject({ revokedAt: null });
  });

  it('403 sin_permiso for a technician, and revokes nothing', async () => {
    const created = await createToken();
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'DELETE', url: `/api/tokens/${created.id}` });
    expect(response.statusCode).toBe(403);
    expect(await prisma().apiToken.findUnique({ where: { id: created.id } })).toMatchObject({ revokedAt: null });
  });

  it('204 revokes: the token then gets 401, and a second DELETE is 404', async () => {
    const ticket = await createTicket(t);
    const created = await createToken();
    const kept = await createToken('otra integración');

    const response = await asAdmin({ method: 'DELETE', url: `/api/tokens/${created.id}` });

    expect(response.statusCode).toBe(204);
    expect((await prisma().apiToken.findUnique({ where: { id: created.id } }))!.revokedAt).toBeInstanceOf(Date);
    const refused = await withBearer(created.token, { method: 'GET', url: `/ticket/${ticket.id}/conversacion` });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: 'no_autenticado' });
    // Revoking one token leaves the others working.
    expect((await withBearer(kept.token, { method: 'GET', url: `/ticket/${ticket.id}/conversacion` })).statusCode).toBe(200);

    const again = await asAdmin({ method: 'DELETE', url: `/api/tokens/${created.id}` });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ error: 'no_encontrado', mensaje: expect.stringContaining(String(created.id)) });
  });

  it('404 for a token that never existed', async () => {
    const response = await asAdmin({ method: 'DELETE', url: '/api/tokens/777' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'no_encontrado' });
  });
});

describe('POST /api/users', () => {
  it('401 no_autenticado without credentials, and creates nobody', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'intruso', password: 'clave-intrusa', role: 'admin' },
    });
    expect(response.statusCode).toBe(401);
    expect(await prisma().user.count()).toBe(1);
  });

  it('403 sin_permiso for a technician, and creates nobody', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, {
      method: 'POST',
      url: '/api/users',
      payload: { username: 'ascenso', password: 'clave-de-ascenso', role: 'admin' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
    expect(await prisma().user.findUnique({ where: { username: 'ascenso' } })).toBeNull();
  });

  it('403 sin_permiso for an integration token', async () => {
    const { token } = await createToken();
    const response = await withBearer(token, {
      method: 'POST',
      url: '/api/users',
      payload: { username: 'robot', password: 'clave-del-robot', role: 'admin' },
    });
    expect(response.statusCode).toBe(403);
    expect(await prisma().user.findUnique({ where: { username: 'robot' } })).toBeNull();
  });

  it.each([
    ['a short username', { username: 'ab', password: 'clave-larga-1', role: 'tecnico' }, /^username: el usuario debe tener de 3 a 40/],
    ['a short password', { username: 'nuevo', password: 'corta', role: 'tecnico' }, /^password: la contraseña debe tener al menos 8 caracteres$/],
    ['an unknown role', { username: 'nuevo', password: 'clave-larga-1', role: 'jefe' }, /^role: el rol debe ser admin o tecnico$/],
    ['no username', { password: 'clave-larga-1', role: 'tecnico' }, /^username: falta el usuario$/],
  ])('400 solicitud_invalida for %s, with a Spanish message and nobody created', async (_, payload, message) => {
    const response = await asAdmin({ method: 'POST', url: '/api/users', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(message) });
    expect(await prisma().user.count()).toBe(1);
  });

  it('201 creates the user, who can log in with the role given', async () => {
    const response = await asAdmin({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'maria', password: 'clave-de-maria', role: 'tecnico', displayName: 'María López' },
    });

    expect(response.statusCode).toBe(201);
    const row = await prisma().user.findUniqueOrThrow({ where: { username: 'maria' } });
    expect(response.json()).toEqual({ id: row.id, username: 'maria', displayName: 'María López', role: 'tecnico' });
    expect(row).toMatchObject({ role: 'tecnico', active: true, displayName: 'María López' });
    const cookie = await loginCookie(t.app, 'maria', 'clave-de-maria');
    expect((await withCookie(cookie, { method: 'GET', url: '/api/auth/me' })).json()).toMatchObject({ user: { role: 'tecnico' } });
  });

  it('409 for a username that already exists, leaving the existing account untouched', async () => {
    const before = await prisma().user.findUniqueOrThrow({ where: { username: 'admin' } });
    const response = await asAdmin({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'admin', password: 'otra-contraseña', role: 'tecnico' },
    });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: 'estado_invalido', mensaje: 'El usuario admin ya existe.' });
    expect(await prisma().user.findUniqueOrThrow({ where: { username: 'admin' } })).toEqual(before);
    await expect(loginCookie(t.app, 'admin', 'otra-contraseña')).rejects.toThrow(/401/);
  });
});

describe('GET /api/users', () => {
  it('401 no_autenticado without credentials', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(401);
  });

  it('403 sin_permiso for a technician', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'GET', url: '/api/users' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
  });

  it('200 lists the accounts without their password hashes', async () => {
    const technician = await createTechnician();
    const response = await asAdmin({ method: 'GET', url: '/api/users' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      users: [
        { id: expect.any(Number), username: 'admin', displayName: 'Administrador', role: 'admin' },
        { id: technician.id, username: 'tecnico1', displayName: null, role: 'tecnico' },
      ],
    });
    expect(response.body).not.toContain('argon2');
  });
});

describe('POST /api/whatsapp/logout', () => {
  it('401 no_autenticado without credentials, and the number stays linked', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/whatsapp/logout' });
    expect(response.statusCode).toBe(401);
    expect(t.simulator.state().state).toBe('ready');
  });

  it('403 sin_permiso for a technician, and the number stays linked', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'POST', url: '/api/whatsapp/logout' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
    expect(t.simulator.state().state).toBe('ready');
  });

  it('403 sin_permiso for an integration token', async () => {
    const { token } = await createToken();
    const response = await withBearer(token, { method: 'POST', url: '/api/whatsapp/logout' });
    expect(response.statusCode).toBe(403);
    expect(t.simulator.state().state).toBe('ready');
  });

  it('202 for an admin: the number is unlinked', async () => {
    const response = await asAdmin({ method: 'POST', url: '/api/whatsapp/logout' });
    expect(response.statusCode).toBe(202);
    expect(t.simulator.state().state).not.toBe('ready');
  });
});

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
      sent: t.simulator.sent().length,
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

describe('POST /api/whatsapp/connect', () => {
  it('403 for a technician; 202 for an admin, bringing the link back after an unlink', async () => {
    const technician = await createTechnician();
    expect((await withCookie(technician.cookie, { method: 'POST', url: '/api/whatsapp/connect' })).statusCode).toBe(403);
    await asAdmin({ method: 'POST', url: '/api/whatsapp/logout' });
    expect((await asAdmin({ method: 'GET', url: '/api/whatsapp/status' })).json().state).toBe('logged_out');
    const response = await asAdmin({ method: 'POST', url: '/api/whatsapp/connect' });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ state: 'ready' });
  });
});

describe('DELETE /api/users/:id', () => {
  it('deactivates an account: its session ends at once and it cannot log in again', async () => {
    const technician = await createTechnician('saliente', 'clave-del-saliente');
    const response = await asAdmin({ method: 'DELETE', url: `/api/users/${technician.id}` });
    expect(response.statusCode).toBe(204);
    expect((await withCookie(technician.cookie, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await login('saliente', 'clave-del-saliente')).statusCode).toBe(401);
    const listed = (await asAdmin({ method: 'GET', url: '/api/users' })).json().users;
    expect(listed.map((u: { username: string }) => u.username)).not.toContain('saliente');
    expect((await asAdmin({ method: 'DELETE', url: `/api/users/${technician.id}` })).statusCode).toBe(404);
  });

  it('409 for your own account; 403 for a technician', async () => {
    const me = await prisma().user.findUniqueOrThrow({ where: { username: ADMIN.username } });
    expect((await asAdmin({ method: 'DELETE', url: `/api/users/${me.id}` })).statusCode).toBe(409);
    const technician = await createTechnician();
    expect((await withCookie(technician.cookie, { method: 'DELETE', url: `/api/users/${me.id}` })).statusCode).toBe(403);
  });
});
