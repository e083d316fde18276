import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, buildTestApp, createTicket, eventually, loginCookie, type TestApp } from '../../test/support/app.ts';
import type { PuenteEvent } from '../events.ts';
import type { StateChange } from '../whatsapp/driver.ts';
import { SimulatorDriver } from '../whatsapp/simulator.ts';

// `ws` (a dependency of @fastify/websocket) ships no types and @types/ws is not installed:
// describe the little of it this test uses.
interface WsClient {
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode?: number }) => void): void;
  close(): void;
  readonly readyState: number;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, options?: { headers?: Record<string, string> }) => WsClient;

interface Console {
  events: PuenteEvent[];
  close(): void;
}

let t: TestApp;
let baseUrl: string;
const sockets: WsClient[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await t?.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof buildTestApp>[1] = {}) {
  t = await buildTestApp({}, options);
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = address.replace(/^http/, 'ws');
}

/** Opens /api/live as a console would; resolves once the server accepted the upgrade. */
function connect(cookie?: string): Promise<Console> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl}/api/live`, cookie ? { headers: { cookie } } : {});
    sockets.push(socket);
    const events: PuenteEvent[] = [];
    socket.on('message', (data) => events.push(JSON.parse(data.toString('utf8'))));
    socket.on('open', () => resolve({ events, close: () => socket.close() }));
    socket.on('unexpected-response', (_req, res) => reject(Object.assign(new Error('refused'), { statusCode: res.statusCode })));
    socket.on('error', reject);
  });
}

const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, cookie = t.admin.cookie) =>
  t.app.inject({ method, url, headers: { cookie }, payload });

async function technicianCookie() {
  const created = await inject('POST', '/api/users', { username: 'tecnico1', password: 'clave-del-tecnico', role: 'tecnico' });
  expect(created.statusCode).toBe(201);
  return loginCookie(t.app, 'tecnico1', 'clave-del-tecnico');
}

type EventOf<K extends PuenteEvent['type']> = Extract<PuenteEvent, { type: K }>;

const find = <K extends PuenteEvent['type']>(events: PuenteEvent[], type: K, match: (e: EventOf<K>) => boolean = () => true) =>
  events.find((e): e is EventOf<K> => e.type === type && match(e as EventOf<K>));

/** Waits for the first event of this type (and shape) a console received. */
const arrival = async <K extends PuenteEvent['type']>(events: PuenteEvent[], type: K, match?: (e: EventOf<K>) => boolean) =>
  (await eventually(() => find(events, type, match)))!;

/** A simulator that can show a QR code, as whatsapp-web.js does before the number is linked. */
class QrSimulator extends SimulatorDriver {
  #qr: string | null = null;
  override state(): StateChange {
    return this.#qr ? { state: 'qr', qr: this.#qr } : super.state();
  }
  showQr(code: string) {
    this.#qr = code;
    this.emitState(this.state());
  }
}

describe('GET /api/live', () => {
  it('401 without a session cookie: the upgrade is refused', async () => {
    await start();
    await expect(connect()).rejects.toMatchObject({ statusCode: 401 });
    await expect(connect('puente_sesion=inventada')).rejects.toMatchObject({ statusCode: 401 });
  });

  it('429 for an 11th socket of one session; other sessions and a freed slot still connect', async () => {
    await start();
    const consoles = [];
    for (let i = 0; i < 10; i++) consoles.push(await connect(t.admin.cookie));
    await expect(connect(t.admin.cookie)).rejects.toMatchObject({ statusCode: 429 });
    await connect(await loginCookie(t.app, ADMIN.username, ADMIN.password));
    consoles[0].close();
    await eventually(() => connect(t.admin.cookie).then(() => true, () => false));
  });

  it('a plain GET (no upgrade) answers 400 and does not use up a socket of the session', async () => {
    await start();
    for (let i = 0; i < 11; i++) expect((await t.app.inject({ method: 'GET', url: '/api/live', headers: t.admin })).statusCode).toBe(400);
    const consoles = [];
    for (let i = 0; i < 10; i++) consoles.push(await connect(t.admin.cookie));
    await expect(connect(t.admin.cookie)).rejects.toMatchObject({ statusCode: 429 });
  });

  it('pushes a message event to an admin when an end user writes', async () => {
    await start();
    const admin = await connect(t.admin.cookie);

    const response = await inject('POST', '/api/simulator/inbound', { from: '+5214771234567', body: 'hola 👋', name: 'Ana' });
    expect(response.statusCode).toBe(202);

    const [ticket] = await t.app.puente.db.prisma.ticket.findMany();
    const [row] = await t.app.puente.db.prisma.message.findMany({ where: { role: 'user' } });
    const event = await arrival(admin.events, 'message', (e) => e.entry.role === 'user');
    expect(event).toEqual({
      type: 'message',
      ticketId: ticket.id,
      entry: { id: row.id, role: 'user', content: 'hola 👋', timestamp: row.timestamp, kind: 'text' },
    });
    expect(find(admin.events, 'ticket')).toEqual({ type: 'ticket', ticket: expect.objectContaining({ id: ticket.id, name: 'Ana', unread: 1 }) });
  });

  it('pushes delivery events as a reply goes out', async () => {
    await start();
    const ticket = await createTicket(t);
    const admin = await connect(t.admin.cookie);

    const response = await inject('POST', `/ticket/${ticket.id}/enviar-mensaje`, { mensaje: 'ya va el técnico' });
    expect(response.statusCode).toBe(200);

    const [row] = await t.app.puente.db.prisma.message.findMany({ where: { ticketId: ticket.id } });
    const stored = await arrival(admin.events, 'message', (e) => e.entry.id === row.id);
    // Stored already marked `sending` when WhatsApp is ready and the chat idle (one commit, not two).
    expect(stored.entry).toMatchObject({ role: 'tecnico', content: 'ya va el técnico', delivery: 'sending', author: 'Administrador' });
    await arrival(admin.events, 'delivery', (e) => e.messageId === row.id && e.delivery === 'delivered');
    const states = admin.events.filter((e) => e.type === 'delivery' && e.messageId === row.id);
    expect(states).toEqual([
      { type: 'delivery', ticketId: ticket.id, messageId: row.id, delivery: 'sent' },
      { type: 'delivery', ticketId: ticket.id, messageId: row.id, delivery: 'delivered' },
    ]);
  });

  it('pushes a ticket event on PATCH', async () => {
    await start();
    const ticket = await createTicket(t);
    const admin = await connect(t.admin.cookie);

    expect((await inject('PATCH', `/api/tickets/${ticket.id}`, { status: 'on_hold' })).statusCode).toBe(200);

    const event = await arrival(admin.events, 'ticket');
    expect(event.ticket).toMatchObject({ id: ticket.id, status: 'on_hold' });
  });

  it('pushes to every open console, technicians included', async () => {
    await start();
    const admin = await connect(t.admin.cookie);
    const technician = await connect(await technicianCookie());

    const ticket = await createTicket(t);

    for (const screen of [admin, technician]) {
      const event = await arrival(screen.events, 'ticket');
      expect(event.ticket).toMatchObject({ id: ticket.id, status: 'open', phone: ticket.phone });
    }
  });

  it('a technician gets WhatsApp state changes without the QR; an admin gets the QR', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-live-'));
    dirs.push(dataDir);
    const driver = new QrSimulator(dataDir);
    await start({ dataDir, driver });
    const technicianSession = await technicianCookie();
    const technician = await connect(technicianSession);
    const admin = await connect(t.admin.cookie);

    expect((await inject('POST', '/api/simulator/connection', { state: 'disconnected' })).statusCode).toBe(200);
    const disconnected = await arrival(technician.events, 'whatsapp', (e) => e.status.state === 'disconnected');
    expect(disconnected.status).toMatchObject({ driver: 'simulator', reason: expect.any(String) });

    driver.showQr('2@codigo-qr-secreto,clave,otra');
    const adminQr = await arrival(admin.events, 'whatsapp', (e) => e.status.state === 'qr');
    expect(adminQr.status).toMatchObject({ qr: '2@codigo-qr-secreto,clave,otra', qrImage: expect.stringMatching(/^data:image\/png;base64,/) });
    const technicianQr = await arrival(technician.events, 'whatsapp', (e) => e.status.state === 'qr');
    expect(technicianQr.status).not.toHaveProperty('qr');
    expect(technicianQr.status).not.toHaveProperty('qrImage');
    expect(JSON.stringify(technician.events)).not.toContain('codigo-qr-secreto');

    // The polled status keeps the same rule.
    const polled = await inject('GET', '/api/whatsapp/status', undefined, technicianSession);
    expect(polled.json()).toMatchObject({ state: 'qr' });
    expect(polled.body).not.toContain('codigo-qr-secreto');
    expect((await inject('GET', '/api/whatsapp/status')).json()).toMatchObject({ state: 'qr', qr: '2@codigo-qr-secreto,clave,otra' });
  });
});

describe('what a client sends', () => {
  // The console never sends on this socket, yet ws accepted (and buffered) frames up to 100 MiB.
  it('closes a socket that sends a frame over 4 KiB with 1009; another console keeps its events', async () => {
    await start();
    const ticket = await createTicket(t);
    const other = await connect(await loginCookie(t.app, ADMIN.username, ADMIN.password));
    const socket = new WebSocket(`${baseUrl}/api/live`, { headers: { cookie: t.admin.cookie } }) as WsClient & {
      send(data: string | Buffer): void;
      on(e: 'close', l: (code: number) => void): void;
    };
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.on('open', resolve));
    let closedWith: number | undefined;
    socket.on('close', (code: number) => (closedWith = code));
    socket.send('x'.repeat(4096));
    socket.send(Buffer.alloc(64 * 1024, 7));
    await eventually(() => closedWith === 1009);
    expect(await inject('PATCH', `/api/tickets/${ticket.id}`, { priority: 'urgente' })).toMatchObject({ statusCode: 200 });
    await arrival(other.events, 'ticket', (e) => e.ticket.id === ticket.id);
  });

  // Found by test/fuzz-live.test.ts: @fastify/websocket's default handler logged each one at error level with ws's stack.
  it('logs a client\'s bad frames (too big, not UTF-8) without an error or a stack, closing with 1009 and 1007', async () => {
    const logs: string[] = [];
    await start({ logger: { level: 'info', stream: { write: (line: string) => void logs.push(line) } } });
    for (const [frame, code] of [['x'.repeat(5000), 1009], [Buffer.from([0x61, 0xff]), 1007]] as const) {
      const socket = new WebSocket(`${baseUrl}/api/live`, { headers: { cookie: t.admin.cookie } }) as WsClient & {
        send(data: string | Buffer, options?: { binary: boolean }): void;
        on(e: 'close', l: (code: number) => void): void;
      };
      sockets.push(socket);
      await new Promise<void>((resolve) => socket.on('open', resolve));
      const closed = new Promise<number>((resolve) => socket.on('close', resolve));
      socket.send(frame, { binary: false });
      expect(await closed).toBe(code);
    }
    const bad = logs.filter((line) => JSON.parse(line).level >= 50 || line.includes('"stack"'));
    expect(bad).toEqual([]);
    expect(logs.filter((line) => line.includes('live socket refused a frame'))).toHaveLength(2);
  });
});

describe('a socket whose session ends', () => {
  it('is closed once the session is logged out', async () => {
    await start({ liveRecheckMs: 50 });
    const cookie = await loginCookie(t.app, 'admin', 'contraseña-de-prueba');
    let closedWith: number | undefined;
    const socket = new WebSocket(`${baseUrl}/api/live`, { headers: { cookie } });
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.on('open', resolve));
    (socket as unknown as { on(e: 'close', l: (code: number) => void): void }).on('close', (code) => (closedWith = code));
    await inject('POST', '/api/auth/logout', undefined, cookie);
    await eventually(() => closedWith === 4401);
  });
});
