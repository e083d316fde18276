import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, eventually, type TestApp } from '../../test/support/app.ts';
import { listenForSockets, openLive } from '../../test/support/live.ts';
import { freshDatabase } from '../../test/support/postgres.ts';

// Two service processes on one PostgreSQL, as two apps in this test process: a console connected
// to `here`, the team read from `there`.
let here: TestApp;
let there: TestApp;
let hereUrl: string;
let thereUrl: string;
beforeAll(async () => {
  const env = { DATABASE_URL: await freshDatabase() };
  here = await buildTestApp(env);
  there = await buildTestApp(env);
  hereUrl = await listenForSockets(here.app);
  thereUrl = await listenForSockets(there.app);
});
afterAll(async () => {
  await there?.close();
  await here?.close();
});

const adminOnline = async (t: TestApp) => (await t.app.inject({ url: '/api/equipo', headers: t.admin })).json().equipo[0].en_linea as boolean;

describe('presence across processes', () => {
  it('a console open on one process shows its person online on the other, offline once closed', async () => {
    expect(await adminOnline(there)).toBe(false);
    const tab = await openLive(hereUrl, here.admin.cookie);
    await eventually(async () => (await adminOnline(there)) === true);
    tab.close();
    await eventually(async () => (await adminOnline(there)) === false);
  });

  it('a console on the other process is told to read the team again (over the relay)', async () => {
    const watcher = await openLive(thereUrl, there.admin.cookie);
    await eventually(async () => (await adminOnline(here)) === true);
    watcher.events.length = 0;
    const tab = await openLive(hereUrl, here.admin.cookie);
    await eventually(() => watcher.events.some((e) => e.type === 'equipo'));
    watcher.events.length = 0;
    tab.close();
    await eventually(() => watcher.events.some((e) => e.type === 'equipo'));
    // The watcher's own socket still counts.
    expect(await adminOnline(here)).toBe(true);
    watcher.close();
    await eventually(async () => (await adminOnline(here)) === false);
  });
});
