import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StateChange } from '../../server/whatsapp/driver.ts';
import { createWwebjsDriver, type WwebjsDriver } from '../../server/whatsapp/wwebjs.ts';
import { startStandIn, type StandIn } from './standin.ts';

// The unmodified whatsapp-web.js Client, driven by Puente's real driver, in Debian's Chromium,
// against the stand-in for WhatsApp Web. Covered so far: load, QR (and its refresh), pairing to
// ready, the late-ready path (with an empty chat list for the catch-up), unlink from the phone,
// conflict and logout. Not yet modelled: messages (Msg models and getMessageModel), so inbound,
// send, acks and a catch-up with news are not exercised here yet (the fake-client unit tests cover them).
const CHROMIUM = '/usr/bin/chromium';
const require = createRequire(import.meta.url);

let standIn: StandIn;
let driver: WwebjsDriver | null = null;
const dirs: string[] = [];

beforeAll(async () => {
  const wwebjs = require('whatsapp-web.js/package.json') as { version: string };
  const chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
  // Which library and which browser this run checked, in the test output on purpose.
  console.info(`whatsapp-web.js ${wwebjs.version}; ${chromium}`);
  standIn = await startStandIn();
});
afterEach(async () => {
  await driver?.disconnect();
  driver = null;
});
afterAll(async () => {
  await standIn?.close();
  dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

function start(options: { lateReadyCheckMs?: number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-wa-'));
  dirs.push(dir);
  driver = createWwebjsDriver({
    sessionDir: dir,
    dataDir: dir,
    chromePath: CHROMIUM,
    logger: pino({ level: 'silent' }),
    chromiumArgs: standIn.chromiumArgs,
    ...options,
  });
  const states: StateChange[] = [];
  driver.onState((change) => states.push(change));
  void driver.connect();
  return { driver, states, dir };
}

async function until(what: string, condition: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('whatsapp-web.js against the WhatsApp Web stand-in', () => {
  it('loads the page, shows the QR built from the page’s keys, and a new one when WhatsApp Web refreshes it', async () => {
    standIn.scenario = {};
    standIn.unmodelled.length = 0;
    const { states } = start();
    await until('a QR', () => states.some((s) => s.state === 'qr'));
    const [first] = states.filter((s) => s.state === 'qr');
    // Client.js:240-260: ref, static key, identity key, ADV secret, platform.
    expect(first.qr).toBe(`ref-1,${b64(3)},${b64(5)},adv-secret,Chrome`);
    standIn.send('refreshQr');
    await until('a second QR', () => states.filter((s) => s.state === 'qr').length === 2);
    expect(states.at(-1)!.qr).toMatch(/^ref-2,/);
    expect(standIn.unmodelled).toEqual([]);
    expect(new Set(standIn.requests)).toEqual(new Set(['/', '/standin.js', '/standin/events', ...faviconIfAsked()]));
  });

  it('pairing: once the phone scans, the socket syncs, the library authenticates, injects its utilities and says ready', async () => {
    standIn.scenario = {};
    standIn.unmodelled.length = 0;
    const { states } = start();
    await until('a QR', () => states.some((s) => s.state === 'qr'));
    expect(standIn.unmodelled).toEqual([]);
    standIn.send('pair');
    await until('authenticated', () => states.some((s) => s.state === 'authenticating'));
    // The library injects its utilities (Utils.js LoadUtils), attaches its listeners and says ready.
    await until('ready', () => states.some((s) => s.state === 'ready'));
    expect(states.map((s) => s.state)).toEqual(['starting', 'qr', 'authenticating', 'ready']);
    expect(standIn.unmodelled).toEqual([]);
  });

  it('late ready: a saved session whose socket synced before the library listened still gets to ready, without a restart', async () => {
    standIn.scenario = { paired: true, syncedEarly: true };
    standIn.unmodelled.length = 0;
    const { states } = start({ lateReadyCheckMs: 500 });
    await until('ready', () => states.some((s) => s.state === 'ready'), 30_000);
    expect(states.map((s) => s.state)).toEqual(['starting', 'authenticating', 'ready']);
    expect(standIn.unmodelled).toEqual([]);
  });

  it('the phone unlinks the device: logged_out with the reason, and the saved session is gone', async () => {
    const { states, dir } = await readyLink();
    standIn.send('unpair');
    await until('logged_out', () => states.some((s) => s.state === 'logged_out'));
    expect(states.at(-1)!.reason).toMatch(/desvinculó este dispositivo/);
    expect(fs.existsSync(path.join(dir, 'session'))).toBe(false);
  });

  it('WhatsApp Web opened elsewhere: disconnected, saying so', async () => {
    const { states } = await readyLink();
    standIn.send('conflict');
    await until('disconnected', () => states.some((s) => s.state === 'disconnected'));
    expect(states.at(-1)!.reason).toMatch(/otro navegador/);
  });

  it('logout from the service tells WhatsApp Web to unlink, closes Chromium and forgets the session', async () => {
    const { states, dir, driver: linked } = await readyLink();
    const pid = linked.chromiumPid();
    await linked.logout();
    expect(standIn.said).toContain('logout');
    expect(states.at(-1)!.state).toBe('logged_out');
    expect(fs.existsSync(path.join(dir, 'session'))).toBe(false);
    expect(pid && fs.existsSync(`/proc/${pid}`)).toBeFalsy();
  });
});

/** A fresh link taken to ready through the QR and the phone's scan. */
async function readyLink() {
  standIn.scenario = {};
  standIn.unmodelled.length = 0;
  standIn.said.length = 0;
  const link = start();
  await until('a QR', () => link.states.some((s) => s.state === 'qr'));
  standIn.send('pair');
  await until('ready', () => link.states.some((s) => s.state === 'ready'));
  return link;
}

function b64(n: number) {
  return Buffer.from(Array.from({ length: 32 }, (_, i) => (i * n) % 256)).toString('base64');
}

function faviconIfAsked() {
  return standIn.requests.includes('/favicon.ico') ? ['/favicon.ico'] : [];
}
