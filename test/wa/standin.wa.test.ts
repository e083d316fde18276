import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, CatchUpReport, InboundMessage, StateChange } from '../../server/whatsapp/driver.ts';
import { createWwebjsDriver, type WwebjsDriver } from '../../server/whatsapp/wwebjs.ts';
import { startStandIn, type StandIn } from './standin.ts';

// The unmodified whatsapp-web.js Client, driven by Puente's real driver, in Debian's Chromium,
// against the stand-in for WhatsApp Web. Covered so far: load, QR (and its refresh), pairing to
// ready, the late-ready path (with an empty chat list for the catch-up), unlink from the phone,
// conflict, logout, inbound of every kind, sending a text (acks 1 → 2 → 3, no account, a refused
// send), the catch-up (placeholder skipped, again on CONNECTED) and downloading received files.
// Not modelled: sending a file (MessageMedia's upload path), groups, channels.
const CHROMIUM = '/usr/bin/chromium';
const ME = '5214770000000@c.us';
const USER = '5214771234567@c.us';
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

function start(options: { lateReadyCheckMs?: number; lastInboundAt?: (phone: string) => Promise<Date | null> } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-wa-'));
  dirs.push(dir);
  driver = createWwebjsDriver({
    sessionDir: dir,
    dataDir: dir,
    chromePath: CHROMIUM,
    logger: pino({ level: 'silent' }),
    chromiumArgs: standIn.chromiumArgs,
    lidRetryMs: 50,
    ...options,
  });
  const states: StateChange[] = [];
  const inbound: InboundMessage[] = [];
  const reports: CatchUpReport[] = [];
  driver.onState((change) => states.push(change));
  driver.onInbound(async (message) => (inbound.push(message), 'filed'));
  driver.onCatchUp((report) => reports.push(report));
  void driver.connect();
  return { driver, states, dir, inbound, reports };
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

describe('inbound through the real library', () => {
  it('hands over every real kind, the @lid with and without a phone, and nothing for a notice', async () => {
    const known = '208734567890123@lid';
    const unknown = '208739999999999@lid';
    const link = await readyLink({ lidPhones: { [known]: '5214771234567@c.us' } });
    const inbound: InboundMessage[] = [];
    link.driver.onInbound(async (message) => (inbound.push(message), 'filed'));
    const t = Math.floor(Date.now() / 1000);
    let n = 0;
    const raw = (from: string, fields: Record<string, unknown>) => {
      const id = `3EB0${++n}`;
      return { id: { fromMe: false, remote: from, id, _serialized: `false_${from}_${id}` }, from, to: ME, t, ack: 1, notifyName: 'Ana', body: '', ...fields };
    };
    const sent = [
      raw(USER, { type: 'chat', body: 'no enciende la impresora' }),
      raw(USER, { type: 'ptt', directPath: '/v/ptt', mimetype: 'audio/ogg' }),
      raw(USER, { type: 'image', directPath: '/v/img', mimetype: 'image/jpeg', caption: 'la pantalla' }),
      raw(USER, { type: 'location', lat: 21.12, lng: -101.68, loc: 'Oficina' }),
      raw(USER, { type: 'vcard', body: 'BEGIN:VCARD\nFN:Beto\nEND:VCARD', vcardFormattedName: 'Beto' }),
      raw(USER, { type: 'call_log', subtype: 'miss' }),
      raw(USER, { type: 'e2e_notification', subtype: 'encrypt' }),
      raw(known, { type: 'chat', body: 'desde lid con teléfono' }),
      raw(unknown, { type: 'chat', body: 'desde lid sin teléfono' }),
    ];
    for (const message of sent) standIn.send('receive', message);
    await until('every message', () => inbound.length === sent.length, 30_000);
    const byBody = (text: string) => inbound.find((m) => m.body.includes(text));
    expect(inbound.slice(0, 7).map((m) => [m.kind, m.body])).toEqual([
      ['text', 'no enciende la impresora'],
      ['voice', '[Nota de voz]'],
      ['image', '[Imagen] la pantalla'],
      ['location', '[Ubicación] 21.12,-101.68 Oficina'],
      ['contact', '[Contacto] Beto'],
      ['call', '[Llamada perdida]'],
      ['other', '[Mensaje no compatible: e2e_notification]'], // the core files none of these
    ]);
    expect(inbound.slice(0, 7).every((m) => m.from === '+5214771234567')).toBe(true);
    expect(byBody('con teléfono')).toMatchObject({ from: '+5214771234567' });
    expect(byBody('sin teléfono')).toMatchObject({ from: '', lid: unknown });
    expect(standIn.unmodelled).toEqual([]);
  });
});

describe('received files through the real library (Message.downloadMedia)', () => {
  it('downloads the bytes of a photo and a document; an expired file and one the servers lost are null', async () => {
    const link = await readyLink();
    const inbound: InboundMessage[] = [];
    link.driver.onInbound(async (message) => (inbound.push(message), 'filed'));
    const t = Math.floor(Date.now() / 1000);
    const photo = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    const doc = Buffer.from('%PDF-1.4 guía de la impresora');
    let n = 0;
    const raw = (fields: Record<string, unknown>) => {
      const id = `3EB0MEDIA${++n}`;
      return { id: { fromMe: false, remote: USER, id, _serialized: `false_${USER}_${id}` }, from: USER, to: ME, t, ack: 1, body: '', ...fields };
    };
    const sent = [
      raw({ type: 'image', directPath: '/v/foto', mimetype: 'image/jpeg', caption: 'la pantalla', standinFile: photo.toString('base64') }),
      raw({ type: 'document', directPath: '/v/doc', mimetype: 'application/pdf', filename: 'guia.pdf', standinFile: doc.toString('base64') }),
      raw({ type: 'image', directPath: '/v/caducada', mimetype: 'image/jpeg', expired: true, standinFile: photo.toString('base64') }),
      raw({ type: 'document', directPath: '/v/perdido', mimetype: 'application/pdf', filename: 'perdido.pdf' }),
    ];
    for (const message of sent) standIn.send('receive', message);
    await until('every file message', () => inbound.length === sent.length, 30_000);
    const [fromPhoto, fromDoc, expired, lost] = await Promise.all(inbound.map((m) => link.driver.downloadMedia!(m.waId)));
    expect(fromPhoto).toEqual({ bytes: photo, mimetype: 'image/jpeg', filename: undefined });
    expect(fromDoc).toEqual({ bytes: doc, mimetype: 'application/pdf', filename: 'guia.pdf' });
    expect(expired).toBeNull();
    expect(lost).toBeNull();
    expect(standIn.unmodelled).toEqual([]);
  });
});

describe('sending through the real library', () => {
  it('sends a text to the id WhatsApp gives, and reports acks 1 → 2 → 3', async () => {
    const link = await readyLink();
    const acks: Ack[] = [];
    link.driver.onAck((ack) => acks.push(ack));
    const { waId } = await link.driver.send('+5214771234567', 'ya quedó ✅', 'puente-1');
    expect(waId).toBe('true_5214771234567@c.us_3EB0STANDIN1');
    await until('the page to say it sent', () => standIn.said.includes('sent 5214771234567@c.us ya quedó ✅'));
    for (const ack of [1, 2, 3]) standIn.send('ack', { id: waId, ack });
    await until('three acks', () => acks.length === 3);
    expect(acks).toEqual([
      { waId, state: 'sent' },
      { waId, state: 'delivered' },
      { waId, state: 'read' },
    ]);
    expect(standIn.unmodelled).toEqual([]);
  });

  it('a number without WhatsApp is no_whatsapp; a send the page refuses is send_failed', async () => {
    const link = await readyLink({ noAccount: ['5214779999999@c.us'], sendThrows: true });
    await expect(link.driver.send('+5214779999999', 'hola', 'puente-2')).rejects.toMatchObject({ code: 'no_whatsapp' });
    await expect(link.driver.send('+5214771234567', 'hola', 'puente-3')).rejects.toMatchObject({ code: 'send_failed' });
    expect(standIn.unmodelled).toEqual([]);
  });
});

describe('catch-up through the real library', () => {
  it('files what arrived while away, skipping a placeholder, and again after the connection comes back', async () => {
    const t = Math.floor(Date.now() / 1000);
    const raw = (id: string, fields: Record<string, unknown>) => ({
      id: { fromMe: false, remote: USER, id, _serialized: `false_${USER}_${id}` }, from: USER, to: ME, ack: 1, body: '', ...fields,
    });
    const link = await readyLink(
      { history: { [USER]: { unreadCount: 2, messages: [raw('A1', { type: 'chat', body: 'mientras tanto', t: t - 600 }), raw('A2', { type: 'ciphertext', t: t - 300 })] } } },
      { lastInboundAt: async () => new Date((t - 3600) * 1000) },
    );
    await until('the first catch-up', () => link.reports.length === 1);
    expect(link.inbound.map((m) => [m.body, m.recovered])).toEqual([['mientras tanto', true]]);
    expect(link.reports[0].recovered).toBe(1);

    standIn.send('history', { chatId: USER, raw: raw('A3', { type: 'chat', body: 'durante el corte', t: t - 5 }) });
    standIn.send('reconnect');
    await until('a catch-up after the reconnect', () => link.inbound.some((m) => m.body === 'durante el corte'));
    expect(standIn.unmodelled).toEqual([]);
  });
});

/** A fresh link taken to ready through the QR and the phone's scan. */
async function readyLink(scenario: StandIn['scenario'] = {}, options: Parameters<typeof start>[0] = {}) {
  standIn.scenario = scenario;
  standIn.unmodelled.length = 0;
  standIn.said.length = 0;
  const link = start(options);
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
