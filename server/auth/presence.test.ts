import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, loginCookie, type TestApp } from '../../test/support/app.ts';
import { listenForSockets, openLive, type LiveConsole } from '../../test/support/live.ts';
import { PRESENCE_WINDOW_MS } from './presence.ts';

let t: TestApp;
const consoles: LiveConsole[] = [];
afterEach(async () => {
  for (const each of consoles.splice(0)) each.close();
  await t?.close();
});

async function start(options: Parameters<typeof buildTestApp>[1] = {}) {
  t = await buildTestApp({}, options);
  return listenForSockets(t.app);
}

async function technician(username = 'tecnica1') {
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/users',
    headers: t.admin,
    payload: { username, password: 'clave-de-la-tecnica', role: 'tecnico', displayName: 'Ana Técnica' },
  });
  expect(created.statusCode).toBe(201);
  return { id: created.json().id as number, cookie: await loginCookie(t.app, username, 'clave-de-la-tecnica') };
}

async function live(baseUrl: string, cookie: string) {
  const opened = await openLive(baseUrl, cookie);
  consoles.push(opened);
  return opened;
}

async function onlineOf(app: TestApp, userId: number) {
  const response = await app.app.inject({ url: '/api/equipo', headers: app.admin });
  expect(response.statusCode).toBe(200);
  return (response.json().equipo as { id: number; en_linea: boolean }[]).find((person) => person.id === userId)?.en_linea;
}

describe('GET /api/equipo en_linea', () => {
  it('true while the person has a console socket open, false once it closes', async () => {
    const baseUrl = await start();
    const ana = await technician();
    const response = await t.app.inject({ url: '/api/equipo', headers: { cookie: ana.cookie } });
    // Signed in but no console open: not online (a login alone is not presence).
    expect(response.json().equipo).toEqual([
      { id: expect.any(Number), nombre: 'Administrador', en_linea: false },
      { id: ana.id, nombre: 'Ana Técnica', en_linea: false },
    ]);

    const first = await live(baseUrl, ana.cookie);
    const second = await live(baseUrl, ana.cookie);
    await eventually(async () => (await onlineOf(t, ana.id)) === true);
    // Two tabs: closing one keeps the person online.
    first.close();
    await first.closed;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await onlineOf(t, ana.id)).toBe(true);
    second.close();
    await eventually(async () => (await onlineOf(t, ana.id)) === false);
  });

  it('a socket not refreshed within the window (its process died) stops counting', async () => {
    const baseUrl = await start();
    const ana = await technician();
    await live(baseUrl, ana.cookie);
    await eventually(async () => (await onlineOf(t, ana.id)) === true);
    // What a SIGKILLed process leaves: the row stays, nobody refreshes it.
    await t.app.puente.db.write((tx) => tx.presence.updateMany({ data: { seenAt: new Date(Date.now() - PRESENCE_WINDOW_MS - 1000) } }));
    expect(await onlineOf(t, ana.id)).toBe(false);
  });

  it('an open socket is refreshed, so a long-open console stays online', async () => {
    const baseUrl = await start({ liveRecheckMs: 50 });
    const ana = await technician();
    await live(baseUrl, ana.cookie);
    await eventually(async () => (await onlineOf(t, ana.id)) === true);
    await t.app.puente.db.write((tx) => tx.presence.updateMany({ data: { seenAt: new Date(Date.now() - PRESENCE_WINDOW_MS - 1000) } }));
    await eventually(async () => (await onlineOf(t, ana.id)) === true);
  });

  it('goes offline when the session is logged out (the socket is closed at the recheck)', async () => {
    const baseUrl = await start({ liveRecheckMs: 50 });
    const ana = await technician();
    const socket = await live(baseUrl, ana.cookie);
    await eventually(async () => (await onlineOf(t, ana.id)) === true);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: ana.cookie } })).statusCode).toBeLessThan(300);
    await socket.closed;
    await eventually(async () => (await onlineOf(t, ana.id)) === false);
  });

  it('tells the other consoles to read the team again when someone arrives or leaves', async () => {
    const baseUrl = await start();
    const ana = await technician();
    const admin = await live(baseUrl, t.admin.cookie);
    await eventually(() => admin.events.some((e) => e.type === 'equipo')); // its own arrival
    admin.events.length = 0;
    const tab = await live(baseUrl, ana.cookie);
    await eventually(() => admin.events.some((e) => e.type === 'equipo'));
    admin.events.length = 0;
    tab.close();
    await eventually(() => admin.events.some((e) => e.type === 'equipo'));
    expect(admin.events).toEqual([{ type: 'equipo' }]);
  });
});
