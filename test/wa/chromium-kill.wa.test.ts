import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, type TestApp } from '../support/app.ts';
import { createSupervisor } from '../../server/whatsapp/supervisor.ts';
import { createWwebjsDriver } from '../../server/whatsapp/wwebjs.ts';
import { descendants } from '../../server/whatsapp/wwebjs-chromium.ts';
import { processesMentioning } from '../support/processes.ts';
import { startStandIn, type StandIn } from './standin.ts';

// Issue 13, "Chromium killed mid-send": the whole service (buildApp, its outbox, the production
// supervisor with its default backoff) on the unmodified whatsapp-web.js Client, against the
// WhatsApp Web stand-in. Chromium's browser process is SIGKILLed, as the OOM killer would, at
// points of a technician's reply the stand-in holds it at. Each case leaves the link ready for
// the next, so they run in order on one service: four Chromium kills, five starts in all. The
// number lookup (a′) is held for a second end user, so the other cases' lookups go through.
const CHROMIUM = '/usr/bin/chromium';
const PHONE = '+5214771234567';
const CHAT = '5214771234567@c.us';
/** A second end user, whose number lookup the page holds in case (a′). */
const OTHER = '+5214779990000';
const OTHER_CHAT = '5214779990000@c.us';
const log = pino({ level: process.env.WA_LOG ?? 'silent' });

let standIn: StandIn;
let t: TestApp;
let ticketId: number;
let otherTicketId: number;
let sessionDir: string;
const dirs: string[] = [];

beforeAll(async () => {
  standIn = await startStandIn();
  const dataDir = tmp('puente-wa-kill-');
  sessionDir = tmp('puente-wa-kill-session-');
  const supervisor = createSupervisor({
    logger: log,
    makeDriver: () =>
      createWwebjsDriver({ sessionDir, dataDir, chromePath: CHROMIUM, logger: log, chromiumArgs: standIn.chromiumArgs, lateReadyCheckMs: 300 }),
  });
  // The first page holds the first reply after WhatsApp took it (case b).
  standIn.scenario = { hold: 'result' };
  t = await buildTestApp({ WHATSAPP_DRIVER: 'wwebjs', CHROME_PATH: CHROMIUM, SESSION_DIR: sessionDir, SEND_TIMEOUT_MS: '20000' }, { driver: supervisor, dataDir, logger: process.env.WA_LOG ? { level: process.env.WA_LOG } : false });
  await until('a QR', async () => (await status()).state === 'qr');
  standIn.send('pair');
  await until('ready', async () => (await status()).state === 'ready');
  ticketId = (await createTicket(t, { phone: PHONE })).id;
  otherTicketId = (await createTicket(t, { phone: OTHER, name: 'Ana López' })).id;
}, 90_000);

afterAll(async () => {
  await t?.close();
  expect(processesMentioning(sessionDir)).toEqual([]);
  await standIn?.close();
  dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
});

describe('the whole service on the real driver', () => {
  it('fetches a file an end user sent through the supervisor and files it in the ticket', async () => {
    const pdf = Buffer.from('%PDF-1.4 factura de la impresora');
    const id = '3EB0FILE1';
    standIn.send('receive', {
      id: { fromMe: false, remote: CHAT, id, _serialized: `false_${CHAT}_${id}` }, from: CHAT, to: '5214770000000@c.us',
      t: Math.floor(Date.now() / 1000), ack: 1, type: 'document', body: '', directPath: '/v/factura', mimetype: 'application/pdf',
      filename: 'factura.pdf', standinFile: pdf.toString('base64'),
    });
    const entry = await eventually(async () => {
      const { historial } = (await t.app.inject({ method: 'GET', url: `/ticket/${ticketId}/conversacion`, headers: t.admin })).json();
      return historial.find((each: { adjunto?: { url: string } }) => each.adjunto);
    }, 30_000);
    const file = await t.app.inject({ method: 'GET', url: entry.adjunto.url, headers: t.admin });
    expect(file.rawPayload.equals(pdf)).toBe(true);
    expect(bodiesOnServer()).toEqual([]);
  });
});

describe('Chromium SIGKILLed while the service sends', () => {
  it('(b) after WhatsApp took the reply, before its answer: 504, the reason shown, a restart, and the reconcile finds it on the server: sent once', async () => {
    const pending = reply('uno: después de aceptarlo');
    await until('the page to hold the accepted send', () => standIn.said.includes('holding result'));
    expect(bodiesOnServer()).toEqual(['uno: después de aceptarlo']);
    // The next page (the restarted Chromium) has a saved, synced session and holds the next reply
    // before WhatsApp Web is handed it (case a).
    standIn.scenario = { paired: true, syncedEarly: true, hold: 'send' };
    const seen = await killChromium();

    const answer = await pending;
    expect(answer.statusCode).toBe(504);
    expect(answer.json()).toMatchObject({ error: 'whatsapp_sin_respuesta', ticket_id: ticketId });
    expectToldWhy(seen);

    await until('ready again', async () => (await status()).state === 'ready');
    await until('the reply marked sent', async () => (await deliveries())[0] === 'sent');
    expect(bodiesOnServer()).toEqual(['uno: después de aceptarlo']);
    expectNoOrphans();
  });

  it('(a) before WhatsApp Web is handed the reply: 504, a restart, and the reconcile finds nothing, so it is sent once', async () => {
    standIn.said.length = 0;
    const pending = reply('dos: antes de entregarlo');
    await until('the page to hold before sending', () => standIn.said.includes('holding send'));
    // The next page holds the second end user's number lookup (case a′).
    standIn.scenario = { paired: true, syncedEarly: true, hold: 'lookup', holdChat: OTHER_CHAT };
    const seen = await killChromium();

    const answer = await pending;
    expect(answer.statusCode).toBe(504);
    expectToldWhy(seen);

    await until('both replies sent', async () => (await deliveries()).join() === 'sent,sent');
    expect(bodiesOnServer()).toEqual(['uno: después de aceptarlo', 'dos: antes de entregarlo']);
    expectNoOrphans();
  });

  it('(a′, c) in the number lookup before any send, then idle with replies queued: 503 for each, kept, and after the restart each sent once, in order', async () => {
    standIn.said.length = 0;
    const pending = reply('cinco: al buscar el número', otherTicketId);
    await until('the page to hold the number lookup', () => standIn.said.includes('holding lookup'));
    // The restarted page loads but its socket does not sync: WhatsApp stays not ready meanwhile.
    standIn.scenario = { paired: true };
    const seen = await killChromium();
    const answer = await pending;
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ error: 'whatsapp_desconectado', ticket_id: otherTicketId });
    expectToldWhy(seen);
    const answers = [];
    for (const text of ['tres: en cola', 'cuatro: en cola']) answers.push(await reply(text));
    expect(answers.map((a) => a.statusCode)).toEqual([503, 503]);
    expect(answers[0].json()).toMatchObject({ error: 'whatsapp_desconectado' });
    // Chromium killed again, idle, with the two replies queued.
    standIn.scenario = { paired: true, syncedEarly: true };
    expectToldWhy(await killChromium());

    await until('every reply sent', async () => (await deliveries()).join() === 'sent,sent,sent,sent', 60_000);
    expect(bodiesOnServer()).toEqual(['uno: después de aceptarlo', 'dos: antes de entregarlo', 'tres: en cola', 'cuatro: en cola']);
    await until('the other reply sent', async () => (await deliveries(otherTicketId)).join() === 'sent');
    expect(bodiesOnServer(OTHER_CHAT)).toEqual(['cinco: al buscar el número']);
    expectNoOrphans();
  });
});

function tmp(prefix: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function reply(mensaje: string, ticket = ticketId) {
  return t.app.inject({ method: 'POST', url: `/ticket/${ticket}/enviar-mensaje`, headers: t.admin, payload: { mensaje } });
}

async function status(): Promise<{ state: string; reason?: string }> {
  return (await t.app.inject({ method: 'GET', url: '/api/whatsapp/status', headers: t.admin })).json();
}

async function health(): Promise<{ whatsapp: string; detalle: { whatsapp: { estado: string; mensaje: string } } }> {
  return (await t.app.inject({ method: 'GET', url: '/healthz?detalle=1', headers: t.admin })).json();
}

async function deliveries(ticket = ticketId): Promise<string[]> {
  const rows = await t.app.puente.db.prisma.message.findMany({ where: { ticketId: ticket, role: 'tecnico' }, orderBy: { id: 'asc' } });
  return rows.map((row) => row.delivery ?? '');
}

/** What reached WhatsApp's servers for a chat, in order. */
function bodiesOnServer(chat = CHAT) {
  return standIn.onServer.filter((m) => m.to === chat).map((m) => m.body);
}

/** The browser process the driver recorded (wwebjs-chromium.ts recordChromiumPid). */
function chromiumPid(): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(t.dataDir, 'chromium.pid'), 'utf8').split('\n')[0]);
    return pid > 0 && fs.existsSync(`/proc/${pid}`) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * SIGKILLs the browser process and watches the service until the supervisor's new Chromium is
 * loading WhatsApp Web: what the WhatsApp status and the health detail said meanwhile.
 */
async function killChromium() {
  const pid = chromiumPid();
  expect(pid).not.toBeNull();
  process.kill(pid!, 'SIGKILL');
  const seen: { status: { state: string; reason?: string }; health: Awaited<ReturnType<typeof health>> }[] = [];
  await until('a new Chromium', async () => {
    const restarted = chromiumPid();
    seen.push({ status: await status(), health: await health() });
    return restarted !== null && restarted !== pid;
  });
  return seen;
}

/**
 * From the kill until the new Chromium was up, the WhatsApp status and the health detail said,
 * in Spanish, that Chromium had closed: while down, and while the new one was starting.
 */
function expectToldWhy(seen: Awaited<ReturnType<typeof killChromium>>) {
  expect(seen.filter((s) => s.status.state === 'disconnected').length).toBeGreaterThan(0);
  expect(seen.at(-1)!.status.state).toBe('starting');
  for (const { status, health } of seen.filter((s) => s.status.state !== 'ready')) {
    expect(status.reason).toMatch(/Chromium se cerró inesperadamente/);
    expect(health.whatsapp).toBe(status.state);
    expect(health.detalle.whatsapp).toEqual({ estado: status.state, mensaje: status.reason });
  }
}

/** Only the current Chromium runs on the session: nothing of a killed one is left behind. */
function expectNoOrphans() {
  const pid = chromiumPid();
  expect(pid).not.toBeNull();
  const current = new Set([pid!, ...descendants(pid!)]);
  expect(processesMentioning(sessionDir).filter((each) => !current.has(each))).toEqual([]);
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 45_000) {
  await eventually(async () => (await condition()) || undefined, timeoutMs).catch(() => {
    throw new Error(`timed out waiting for ${what}`);
  });
}
