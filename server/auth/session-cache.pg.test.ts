import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, createTicket, eventually, loginCookie, type TestApp } from '../../test/support/app.ts';
import { freshDatabase } from '../../test/support/postgres.ts';
import { BACKGROUND_HEADER } from './sessions.ts';

// Two service processes on one PostgreSQL (two apps in this test process), each remembering the
// sessions it served. The bound is long (5 min) so that every 401 on the other process below
// comes from the announcement, not from an entry aging out.
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  const env = { DATABASE_URL: await freshDatabase(), LEASE_TTL_MS: '20000', SESSION_CACHE_MS: '300000' };
  a = await buildTestApp(env);
  b = await buildTestApp(env);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const MINUTE = 60_000;
const hashOf = (cookie: string) => createHash('sha256').update(cookie.replace(/^puente_sesion=/, '')).digest('hex');
/** A console's own poll (it does not keep the session alive). */
const poll = (t: TestApp, cookie: string, url = '/api/auth/me') => t.app.inject({ method: 'GET', url, headers: { cookie, [BACKGROUND_HEADER]: '1' } });
const post = (t: TestApp, cookie: string, url: string, payload?: object) => t.app.inject({ method: 'POST', url, headers: { cookie }, payload });

let people = 0;
/** A technician account, created on A, with a session cookie. */
async function technician() {
  const username = `tecnico${++people}`;
  const password = 'clave-del-tecnico';
  const created = await post(a, a.admin.cookie, '/api/users', { username, password, role: 'tecnico' });
  expect(created.statusCode).toBe(201);
  return { id: created.json().id as number, username, password, cookie: await loginCookie(a.app, username, password) };
}

/** Both processes answered this session once, so each remembers it. */
async function seenOnBoth(cookie: string) {
  expect((await poll(a, cookie)).statusCode).toBe(200);
  expect((await poll(b, cookie)).statusCode).toBe(200);
}

/** Every statement B sends through its database handle from now on. */
function statementsOf(t: TestApp) {
  const { db } = t.app.puente;
  const all = vi.spyOn(db, 'all');
  const spies = [all, vi.spyOn(db, 'run'), vi.spyOn(db, 'write'), vi.spyOn(db, 'pgWrite')];
  const sessionLookups = () => all.mock.calls.filter(([statement]) => /FROM "Session" s JOIN "User"/.test(statement.postgres)).length;
  return { count: () => spies.reduce((n, spy) => n + spy.mock.calls.length, 0), sessionLookups, clear: () => spies.forEach((spy) => spy.mockClear()) };
}

describe('session cache across processes on PostgreSQL', () => {
  it('an authenticated 304 issues no SQL: the session and the versions are remembered', async () => {
    const ticket = await createTicket(a);
    const urls = ['/api/tickets', `/ticket/${ticket.id}/conversacion?limite=200`, '/api/whatsapp/status'];
    const tags = new Map<string, string>();
    for (const url of urls) tags.set(url, String((await poll(b, a.admin.cookie, url)).headers.etag));
    const seen = statementsOf(b);
    // Retried while background work (the lease, the ticket's acknowledgement) still announces
    // changes, each of which rightly costs one version lookup again (and a 200 with the new tag);
    // the session is never read again.
    await eventually(async () => {
      seen.clear();
      let changed = false;
      for (let i = 0; i < 3; i++) {
        for (const url of urls) {
          const answer = await b.app.inject({ method: 'GET', url, headers: { cookie: a.admin.cookie, [BACKGROUND_HEADER]: '1', 'if-none-match': tags.get(url) } });
          if (answer.statusCode !== 304) [changed] = [true, tags.set(url, String(answer.headers.etag))];
        }
      }
      expect(seen.sessionLookups()).toBe(0);
      return !changed && seen.count() === 0;
    }, 20_000);
  });

  it('logout on A: 401 at once on A, and on B as soon as the notification arrives', async () => {
    const cookie = await loginCookie(a.app, 'admin', 'contraseña-de-prueba');
    await seenOnBoth(cookie);
    expect((await post(a, cookie, '/api/auth/logout')).statusCode).toBe(204);
    expect((await poll(a, cookie)).statusCode).toBe(401);
    await eventually(async () => (await poll(b, cookie)).statusCode === 401);
  });

  it('logout on B ends the session that A remembers', async () => {
    const cookie = await loginCookie(b.app, 'admin', 'contraseña-de-prueba');
    await seenOnBoth(cookie);
    expect((await post(b, cookie, '/api/auth/logout')).statusCode).toBe(204);
    expect((await poll(b, cookie)).statusCode).toBe(401);
    await eventually(async () => (await poll(a, cookie)).statusCode === 401);
  });

  it('"cerrar las demás sesiones" on A ends the others on both processes, keeps the caller', async () => {
    const person = await technician();
    const other = await loginCookie(b.app, person.username, person.password);
    await seenOnBoth(person.cookie);
    await seenOnBoth(other);
    const closed = await post(a, person.cookie, '/api/auth/cerrar-otras');
    expect(closed.json()).toEqual({ cerradas: 1 });
    expect((await poll(a, other)).statusCode).toBe(401);
    await eventually(async () => (await poll(b, other)).statusCode === 401);
    expect((await poll(a, person.cookie)).statusCode).toBe(200);
    expect((await poll(b, person.cookie)).statusCode).toBe(200);
  });

  it("a password change on A ends the account's other sessions on both; an admin's reset ends them all", async () => {
    const person = await technician();
    const other = await loginCookie(b.app, person.username, person.password);
    await seenOnBoth(person.cookie);
    await seenOnBoth(other);
    const changed = await post(a, person.cookie, '/api/auth/contrasena', { actual: person.password, nueva: 'otra-clave-nueva' });
    expect(changed.statusCode).toBe(204);
    expect((await poll(a, other)).statusCode).toBe(401);
    await eventually(async () => (await poll(b, other)).statusCode === 401);
    expect((await poll(b, person.cookie)).statusCode).toBe(200);

    const reset = await post(a, a.admin.cookie, `/api/users/${person.id}/contrasena`, { password: 'la-del-admin-1' });
    expect(reset.statusCode).toBe(204);
    expect((await poll(a, person.cookie)).statusCode).toBe(401);
    await eventually(async () => (await poll(b, person.cookie)).statusCode === 401);
  });

  it('deactivating an account on B ends its sessions on A as soon as the notification arrives', async () => {
    const person = await technician();
    await seenOnBoth(person.cookie);
    const gone = await b.app.inject({ method: 'DELETE', url: `/api/users/${person.id}`, headers: { cookie: a.admin.cookie } });
    expect(gone.statusCode).toBe(204);
    expect((await poll(b, person.cookie)).statusCode).toBe(401);
    await eventually(async () => (await poll(a, person.cookie)).statusCode === 401);
  });

  it('while the listener is not connected every request reads its session from the database', async () => {
    await seenOnBoth(a.admin.cookie);
    const seen = statementsOf(b);
    vi.spyOn(b.app.puente.relay!, 'connected').mockReturnValue(false);
    for (let i = 0; i < 3; i++) expect((await poll(b, a.admin.cookie)).statusCode).toBe(200);
    expect(seen.sessionLookups()).toBe(3);
  });

  it('an ending that happened while the listener was down (its notification missed) is seen once it is back', async () => {
    const cookie = await loginCookie(a.app, 'admin', 'contraseña-de-prueba');
    await seenOnBoth(cookie);
    const relay = b.app.puente.relay!;
    // Drop the listening sessions (both processes'; a relay's last statement is its LISTEN or a
    // publish): they reconnect after 1 s.
    await b.app.puente.db.all({ sqlite: '', postgres: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ~ '^(LISTEN|SELECT pg_notify)'` }, {});
    await eventually(() => !relay.connected());
    // Ended by hand meanwhile: no notification reaches B, ever.
    await a.app.puente.db.run({ sqlite: '', postgres: 'DELETE FROM "Session" WHERE "tokenHash" = :hash' }, { hash: hashOf(cookie) });
    await eventually(() => relay.connected());
    expect((await poll(b, cookie)).statusCode).toBe(401);
  });

  it('idle expiry under fake timers: 401 on both processes once the limit and its minute of slack have passed, not before', async () => {
    // Both clocks faked from before the login: a wall clock moving alone would be a jump (IdleClock).
    vi.useFakeTimers({ toFake: ['Date', 'performance'], now: Date.now() });
    const cookie = await loginCookie(a.app, 'admin', 'contraseña-de-prueba');
    await seenOnBoth(cookie);
    vi.advanceTimersByTime(30 * MINUTE);
    expect((await poll(a, cookie)).statusCode).toBe(200);
    expect((await poll(b, cookie)).statusCode).toBe(200);
    vi.advanceTimersByTime(2 * MINUTE);
    expect((await poll(b, cookie)).statusCode).toBe(401);
    expect((await poll(a, cookie)).statusCode).toBe(401);
  });
});
