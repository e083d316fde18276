import fs from 'node:fs';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { loginCookie, type TestApp } from './app.ts';

/**
 * Requests as each kind of caller (admin session, a cookie, a bearer token) and the accounts the
 * auth tests make, for the test's current app (`current()`: a fresh one per test).
 */
export function callers(current: () => TestApp) {
  const login = (username: string, password: string) =>
    current().app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  const asAdmin = (options: InjectOptions) => current().app.inject({ ...options, headers: { ...current().admin, ...options.headers } });
  /** Without options: GET /api/auth/me, i.e. "is this session still alive?". */
  const withCookie = (cookie: string, options: InjectOptions = { method: 'GET', url: '/api/auth/me' }) =>
    current().app.inject({ ...options, headers: { ...options.headers, cookie } });
  const withBearer = (token: string, options: InjectOptions) =>
    current().app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });

  async function createTechnician(username = 'tecnico1', password = 'clave-del-tecnico') {
    const response = await asAdmin({ method: 'POST', url: '/api/users', payload: { username, password, role: 'tecnico' } });
    expect(response.statusCode).toBe(201);
    return { ...(response.json() as { id: number }), username, password, cookie: await loginCookie(current().app, username, password) };
  }

  async function createToken(name = 'mesa de ayuda') {
    const response = await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name } });
    expect(response.statusCode).toBe(201);
    return response.json() as { id: number; name: string; token: string };
  }

  return { login, asAdmin, withCookie, withBearer, createTechnician, createToken };
}

/** Everything SQLite holds on disk for this service, so a secret can be looked for byte by byte. */
export function databaseBytes(dataDir: string): Buffer {
  const files = fs.readdirSync(dataDir).filter((name) => name.startsWith('puente.db'));
  expect(files).toContain('puente.db');
  return Buffer.concat(files.map((name) => fs.readFileSync(path.join(dataDir, name))));
}
