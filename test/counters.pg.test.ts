import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../server/auth/login-throttle.ts';
import { ADMIN, buildTestApp, loginCookie, type TestApp } from './support/app.ts';
import { listenForSockets, openLive, type LiveConsole } from './support/live.ts';
import { freshDatabase } from './support/postgres.ts';

// Issue 13: two processes behind a proxy that spreads requests must not double an attacker's
// budget. Two service instances on one throwaway PostgreSQL database, as two processes.
const open: TestApp[] = [];
const consoles: LiveConsole[] = [];
afterEach(async () => {
  for (const each of consoles.splice(0)) each.close();
  for (const each of open.splice(0).reverse()) await each.close();
});

async function twoProcesses(env: Record<string, string> = {}) {
  const shared = { DATABASE_URL: await freshDatabase(), ...env };
  for (let i = 0; i < 2; i++) open.push(await buildTestApp(shared));
  return open as [TestApp, TestApp];
}

const login = (t: TestApp, password: string, remoteAddress: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password }, remoteAddress });

describe('counters shared by every process on PostgreSQL', () => {
  it('the login throttle: wrong passwords from one address spread over both processes are refused after perPair, on either', async () => {
    const [a, b] = await twoProcesses();
    for (let i = 0; i < DEFAULT_LIMITS.perPair; i++) {
      const answer = await login(i % 2 ? b : a, 'mala', '203.0.113.9');
      expect(answer.statusCode, answer.body).toBe(401);
    }
    for (const t of [a, b]) {
      const refused = await login(t, ADMIN.password, '203.0.113.9'); // even the right one, from that address
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ error: 'demasiadas_solicitudes' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Another address (the rest of the office) still gets in, and its success forgets only its own typos.
    expect((await login(b, ADMIN.password, '203.0.113.10')).statusCode).toBe(200);
  });

  it('the login throttle per address: many names guessed across both processes stop at perAddress', async () => {
    const [a, b] = await twoProcesses();
    for (let i = 0; i < DEFAULT_LIMITS.perAddress; i++) {
      const t = i % 2 ? b : a;
      const answer = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `nadie${i}`, password: 'mala' }, remoteAddress: '198.51.100.7' });
      expect(answer.statusCode).toBe(401);
    }
    expect((await login(a, ADMIN.password, '198.51.100.7')).statusCode).toBe(429);
    expect((await login(b, ADMIN.password, '198.51.100.7')).statusCode).toBe(429);
  });

  it('REPORTS_PER_MINUTE: one session asking both processes gets the limit, not twice it', async () => {
    const [a, b] = await twoProcesses({ REPORTS_PER_MINUTE: '3' });
    const get = (t: TestApp) => t.app.inject({ method: 'GET', url: '/api/estadisticas', headers: a.admin }); // a's session, valid on both
    expect((await get(a)).statusCode).toBe(200);
    expect((await get(b)).statusCode).toBe(200);
    expect((await get(a)).statusCode).toBe(200);
    const refused = await get(b);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(a)).statusCode).toBe(429);
    // Another session, and another expensive route of the same session, are counted apart.
    expect((await b.app.inject({ method: 'GET', url: '/api/estadisticas', headers: b.admin })).statusCode).toBe(200);
    expect((await a.app.inject({ method: 'GET', url: '/api/exportes/tickets.csv', headers: a.admin })).statusCode).toBe(200);
  });

  it('live sockets: one session holds at most 10 across both processes; a closed one frees its slot', { timeout: 60_000 }, async () => {
    const [a, b] = await twoProcesses();
    const urls = [await listenForSockets(a.app), await listenForSockets(b.app)];
    const cookie = a.admin.cookie;
    for (let i = 0; i < 10; i++) consoles.push(await openLive(urls[i % 2]!, cookie));
    for (const url of urls) await expect(openLive(url, cookie)).rejects.toMatchObject({ statusCode: 429 });
    consoles.push(await openLive(urls[1]!, await loginCookie(b.app, ADMIN.username, ADMIN.password))); // another session
    const first = consoles.shift()!;
    first.close();
    await first.closed;
    let reopened: LiveConsole | undefined;
    for (let i = 0; i < 200 && !reopened; i++) {
      reopened = await openLive(urls[1]!, cookie).catch(() => undefined);
      if (!reopened) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(reopened).toBeDefined();
    consoles.push(reopened!);
  });
});
