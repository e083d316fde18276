import { createRequire } from 'node:module';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PuenteEvent } from '../server/events.ts';
import { LIVE_MAX_PAYLOAD } from '../server/live/routes.ts';
import { ADMIN, buildTestApp, createTicket, eventually, loginCookie, type TestApp } from './support/app.ts';
import { listenForSockets, openLive, type LiveConsole } from './support/live.ts';
import { changedTables, snapshot } from './support/snapshot.ts';

/**
 * The live socket under generated input (issue 13, "bad input everywhere"): a real server on
 * 127.0.0.1, a signed-in socket sending generated frames (garbage and wrongly shaped JSON, binary,
 * fragmented messages, frames over the limit, text that is not UTF-8, ping floods), a raw TCP
 * client sending frames no library would write, and upgrades with a bad Origin or no session.
 * The properties: the server closes with the protocol's code or ignores what it is sent (the
 * console never sends), never logs an error or a stack, another console keeps getting events,
 * and nothing is written; an upgrade without a live credential is 401, one with a session cookie
 * from another origin 403, both in the JSON error body. About 60 s on a loaded 2-core machine.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 80);
// ws's maxPendingAutoPongs (default 60): a ping flood whose pongs cannot be written that fast is dropped.
const WS_PENDING_PONGS = 60;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

// `ws` ships no types (test/support/live.ts): the little of its client this test uses.
interface WsClient {
  readonly readyState: number;
  on(event: 'open', listener: () => void): void;
  on(event: 'pong', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'unexpected-response', listener: (req: unknown, res: NodeJS.ReadableStream & { statusCode?: number; headers: Record<string, string> }) => void): void;
  send(data: string | Buffer, options?: { binary?: boolean; fin?: boolean }): void;
  ping(data?: Buffer): void;
  close(): void;
  terminate(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, options?: { headers?: Record<string, string> }) => WsClient;

let t: TestApp;
let baseUrl: string;
let port: number;
let ticketId: number;
let watcher: LiveConsole;
let fuzzCookie: string;
const logs: string[] = [];

beforeAll(async () => {
  t = await buildTestApp({}, { logger: { level: 'info', stream: { write: (line: string) => void logs.push(line) } } });
  baseUrl = await listenForSockets(t.app);
  port = Number(new URL(baseUrl).port);
  ticketId = (await createTicket(t)).id;
  // The console that must keep getting events, on its own session.
  watcher = await openLive(baseUrl, await loginCookie(t.app, ADMIN.username, ADMIN.password));
  fuzzCookie = t.admin.cookie;
}, 60_000);
afterAll(async () => {
  watcher?.close();
  await t?.close();
});

/** Log lines at error level or above, or carrying a stack, written since `from`. */
function badLogs(from: number) {
  return logs.slice(from).filter((line) => {
    const entry = JSON.parse(line) as { level: number };
    return entry.level >= 50 || /"stack"|\n\s+at /.test(line);
  });
}

/** A write the socket did not cause, after it: every console (the fuzzed one too, if open) must see it. */
let priority = 0;
async function eventReachesConsoles(consoles: PuenteEvent[][], where: string) {
  const next = ['baja', 'media', 'alta', 'urgente'][priority++ % 4];
  const response = await t.app.inject({ method: 'PATCH', url: `/api/tickets/${ticketId}`, headers: t.admin, payload: { priority: next } });
  expect(response.statusCode, where).toBe(200);
  for (const [i, events] of consoles.entries()) {
    const arrived = () => events.some((e) => e.type === 'ticket' && e.ticket.id === ticketId && e.ticket.priority === next);
    await eventually(arrived, 10_000).catch(() => expect.fail(`${where}: console ${i} missed the ticket event; it got ${JSON.stringify(events.slice(-3)).slice(0, 500)}`));
  }
}

type Frame =
  | { kind: 'text'; data: string }
  | { kind: 'binary'; data: Buffer }
  | { kind: 'badUtf8'; data: Buffer }
  | { kind: 'fragments'; parts: string[] }
  | { kind: 'pings'; count: number };

const shapedJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.record({ type: fc.constantFrom('message', 'ticket', 'subscribe', 'ping', 'equipo', '__proto__'), ticketId: fc.oneof(fc.integer(), fc.string()), entry: fc.jsonValue({ maxDepth: 2 }) }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{"type":', '{"__proto__":{"admin":true}}', '[]'.repeat(1000), '{'.repeat(2000)),
);
const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }), shapedJson).map((data) => ({ kind: 'text' as const, data })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }).map((data) => ({ kind: 'binary' as const, data: Buffer.from(data) })) },
  // Over the limit, or exactly at it (which must be accepted and ignored).
  { weight: 1, arbitrary: fc.constantFrom(LIVE_MAX_PAYLOAD, LIVE_MAX_PAYLOAD + 1, 70_000, 1_000_000).map((size) => ({ kind: 'text' as const, data: 'x'.repeat(size) })) },
  { weight: 1, arbitrary: fc.constantFrom(LIVE_MAX_PAYLOAD + 1, 200_000).map((size) => ({ kind: 'binary' as const, data: Buffer.alloc(size, 1) })) },
  { weight: 1, arbitrary: fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]).map((bytes) => ({ kind: 'badUtf8' as const, data: Buffer.from([0x61, ...bytes]) })) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.string({ maxLength: 50 }), fc.constant('y'.repeat(1500))), { minLength: 2, maxLength: 5 }).map((parts) => ({ kind: 'fragments' as const, parts })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map((count) => ({ kind: 'pings' as const, count })) },
);

/** The close code RFC 6455 calls for at the first frame the server must refuse, or none: it ignores the rest. */
function expectedClose(frames: Frame[]): number | undefined {
  for (const f of frames) {
    const size = f.kind === 'fragments' ? Buffer.byteLength(f.parts.join('')) : f.kind === 'pings' ? 0 : Buffer.byteLength(f.data);
    if (size > LIVE_MAX_PAYLOAD) return 1009;
    if (f.kind === 'badUtf8') return 1007;
  }
  return undefined;
}

function openFuzzSocket(): Promise<{ socket: WsClient; events: PuenteEvent[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl}/api/live`, { headers: { cookie: fuzzCookie } });
    const events: PuenteEvent[] = [];
    const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
    socket.on('message', (data) => events.push(JSON.parse(data.toString('utf8'))));
    socket.on('open', () => resolve({ socket, events, closed }));
    socket.on('error', reject);
  });
}

/** Resolves once the server answered a ping sent after everything else (frames are read in order), or closed. */
function roundTrip(socket: WsClient, closed: Promise<number>): Promise<'pong' | number> {
  const last = new Promise<'pong'>((done) => socket.on('pong', (data: Buffer) => data.toString() === 'fin' && done('pong')));
  return Promise.race([last, closed]);
}

function send(socket: WsClient, f: Frame) {
  if (socket.readyState !== 1) return;
  switch (f.kind) {
    case 'text':
      return socket.send(f.data);
    case 'binary':
      return socket.send(f.data, { binary: true });
    case 'badUtf8':
      return socket.send(f.data, { binary: false });
    case 'fragments':
      f.parts.forEach((part, i) => socket.send(part, { fin: i === f.parts.length - 1 }));
      return;
    case 'pings':
      for (let i = 0; i < f.count; i++) socket.ping(Buffer.from(String(i)));
  }
}

describe('the live socket under generated frames', () => {
  it('closes with the protocol code or ignores, never logs an error, other consoles keep their events, nothing is written', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 6 }), async (frames) => {
        const logFrom = logs.length;
        const { socket, events, closed } = await openFuzzSocket();
        let closedWith: number | undefined;
        void closed.then((code) => (closedWith = code));
        const before = await snapshot(t);
        for (const f of frames) send(socket, f);
        if (socket.readyState === 1) socket.ping(Buffer.from('fin'));
        const answer = await roundTrip(socket, closed);
        const where = `${frames.map((f) => f.kind).join(',')} → ${answer}`;
        outcomes.set(String(answer), (outcomes.get(String(answer)) ?? 0) + 1);
        const allowed: unknown[] = [expectedClose(frames) ?? 'pong'];
        // ws's own flood guard: with 60 pongs still unwritten it drops the connection (1006, no close frame).
        if (frames.reduce((sum, f) => sum + (f.kind === 'pings' ? f.count : 0), 0) >= WS_PENDING_PONGS) allowed.push(1006);
        expect(allowed, where).toContain(answer);
        expect(changedTables(before, await snapshot(t)), where).toEqual([]);
        await eventReachesConsoles(closedWith === undefined ? [watcher.events, events] : [watcher.events], where);
        socket.close();
        await closed;
        expect(badLogs(logFrom), where).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true, timeout: 20_000 },
    );
    // The generator reaches every outcome: ignored, too big, not UTF-8.
    const summary = JSON.stringify(Object.fromEntries(outcomes));
    for (const outcome of ['pong', '1009', '1007']) expect(outcomes.get(outcome) ?? 0, summary).toBeGreaterThan(0);
  }, Math.max(120_000, RUNS * 2000));

  it('survives frames no library would write (raw bytes on the TCP socket): no error logged, nothing written, other consoles keep their events', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(rawChunk, { minLength: 1, maxLength: 4 }), async (chunks) => {
        const logFrom = logs.length;
        const raw = await openRaw(fuzzCookie);
        const before = await snapshot(t);
        for (const chunk of chunks) if (!raw.socket.destroyed) raw.socket.write(chunk);
        // A ping after them: answered if the server still reads frames; it may also have closed, or wait for bytes a declared length promised.
        if (!raw.socket.destroyed) raw.socket.write(frameBytes({ fin: true, rsv: 0, opcode: 9, masked: true, payload: Buffer.from('fin') }));
        const outcome = await raw.settle(1500);
        const where = `${chunks.map((c) => c.toString('hex').slice(0, 40)).join(' | ')} → ${outcome}`;
        outcomes.set(typeof outcome === 'number' ? 'close' : outcome, (outcomes.get(typeof outcome === 'number' ? 'close' : outcome) ?? 0) + 1);
        // A close frame carries a code a peer may send (RFC 6455 7.4): never 1005/1006, which mean "none".
        if (typeof outcome === 'number') expect(outcome >= 1000 && outcome <= 4999 && outcome !== 1005 && outcome !== 1006, where).toBe(true);
        expect(changedTables(before, await snapshot(t)), where).toEqual([]);
        await eventReachesConsoles([watcher.events], where);
        raw.socket.destroy();
        await raw.gone;
        expect(badLogs(logFrom), where).toEqual([]);
      }),
      { numRuns: Math.ceil(RUNS / 2), seed: SEED, endOnFailure: true, timeout: 20_000 },
    );
    const summary = JSON.stringify(Object.fromEntries(outcomes));
    expect(outcomes.get('close') ?? 0, summary).toBeGreaterThan(0);
  }, Math.max(120_000, RUNS * 2000));
});

describe('the upgrade under generated credentials and origins', () => {
  it('upgrades only a live session or token from the console\'s origin: 401 or 403 in the JSON error body otherwise, nothing written', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/tokens', headers: t.admin, payload: { name: 'fuzz-live' } });
    const token = created.json().token as string;
    const ours = `http://127.0.0.1:${port}`;
    const credential = fc.constantFrom('session', 'session', 'token', 'none', 'garbage-cookie', 'garbage-token', 'both');
    const origin = fc.oneof(
      fc.constantFrom(undefined, ours, `http://localhost:${port}`, 'http://127.0.0.1', `https://127.0.0.1:${port}`, 'null', '', 'garbage', `http://127.0.0.1:${port}.evil.example`),
      fc.webUrl().map((url) => new URL(url).origin),
    );
    const site = fc.constantFrom(undefined, undefined, 'same-origin', 'same-site', 'cross-site', 'none', 'garbage');
    await fc.assert(
      fc.asyncProperty(credential, origin, site, async (who, from, fetchSite) => {
        const headers: Record<string, string> = {};
        if (who === 'session' || who === 'both') headers.cookie = fuzzCookie;
        if (who === 'garbage-cookie') headers.cookie = 'puente_sesion=inventada';
        if (who === 'token' || who === 'both') headers.authorization = `Bearer ${token}`;
        if (who === 'garbage-token') headers.authorization = 'Bearer pnt_inventado';
        if (from !== undefined) headers.origin = from;
        if (fetchSite !== undefined) headers['sec-fetch-site'] = fetchSite;
        // The model (server/http/same-origin.ts): Sec-Fetch-Site decides when present, else Origin's host
        // (its scheme is not compared: behind a TLS proxy the page is https, the request http).
        const hostOf = (origin: string) => (URL.canParse(origin) ? new URL(origin).host : undefined);
        const sameOrigin = fetchSite !== undefined ? fetchSite === 'same-origin' : from === undefined || hostOf(from) === hostOf(ours);
        const bearer = who === 'token' || who === 'both' || who === 'garbage-token';
        const hasCookie = headers.cookie !== undefined;
        const expected = !bearer && hasCookie && !sameOrigin ? 403 : who === 'session' || who === 'token' || who === 'both' ? 101 : 401;
        const before = await snapshot(t);
        const answer = await upgrade(headers);
        const where = `${JSON.stringify(headers).slice(0, 300)} → ${answer.status} ${answer.body.slice(0, 200)}`;
        expect(answer.status, where).toBe(expected);
        if (answer.status !== 101) {
          expect(answer.type, where).toMatch(/^application\/json/);
          expect(JSON.parse(answer.body), where).toEqual({ error: answer.status === 403 ? 'sin_permiso' : 'no_autenticado', mensaje: expect.any(String) });
          expect(changedTables(before, await snapshot(t)), where).toEqual([]);
        }
      }),
      { numRuns: Math.ceil(RUNS * 0.75), seed: SEED, endOnFailure: true, timeout: 20_000 },
    );
  }, Math.max(120_000, RUNS * 2000));
});

/** Opens the upgrade with these headers; resolves with 101 once open (and closes it), or the refusal's status and body. */
function upgrade(headers: Record<string, string>): Promise<{ status: number; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl}/api/live`, { headers });
    socket.on('open', () => {
      socket.on('close', () => resolve({ status: 101, body: '' }));
      socket.close();
    });
    socket.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
    });
    socket.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

interface RawFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
  /** A length field that disagrees with the payload (more or fewer bytes follow than it says). */
  declared?: number;
}

/** One frame as RFC 6455 5.2 lays it out, whatever its fields say. */
function frameBytes(f: RawFrame): Buffer {
  const length = f.declared ?? f.payload.length;
  const head = [((f.fin ? 1 : 0) << 7) | ((f.rsv & 7) << 4) | (f.opcode & 15)];
  const maskBit = f.masked ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 255);
  else head.push(maskBit | 127, 0, 0, 0, 0, (length >>> 24) & 255, (length >> 16) & 255, (length >> 8) & 255, length & 255);
  const key = [0x12, 0x34, 0x56, 0x78];
  const body = f.masked ? Buffer.from(f.payload.map((byte, i) => byte ^ key[i % 4])) : f.payload;
  return Buffer.concat([Buffer.from(head), f.masked ? Buffer.from(key) : Buffer.alloc(0), body]);
}

const rawFrame: fc.Arbitrary<RawFrame> = fc.record(
  {
    fin: fc.boolean(),
    rsv: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
    opcode: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 8, 9, 10) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) }),
    masked: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    payload: fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(new Uint8Array([0x03, 0xe8]), new Uint8Array([0x03, 0xed]), new Uint8Array([0x0f, 0xa0, 0x61]))).map((b) => Buffer.from(b)),
    declared: fc.constantFrom(0, 125, 126, 65535, 65536, 2 ** 31),
  },
  { requiredKeys: ['fin', 'rsv', 'opcode', 'masked', 'payload'] },
);
const rawChunk = fc.oneof(
  { weight: 4, arbitrary: rawFrame.map(frameBytes) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)) },
);

/**
 * A TCP client that does the upgrade by hand and then writes whatever bytes it is given; it reads
 * the server's frames (unmasked) for a pong or a close frame.
 */
function openRaw(cookie: string): Promise<{ socket: net.Socket; gone: Promise<void>; settle(ms: number): Promise<'pong' | 'ended' | 'close' | 'silent' | number> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const gone = new Promise<void>((done) => socket.on('close', () => done()));
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    let outcome: 'pong' | 'ended' | 'close' | number | undefined;
    const frames = () => {
      while (buffer.length >= 2) {
        let length = buffer[1] & 127;
        let offset = 2;
        if (length === 126) [length, offset] = [buffer.readUInt16BE(2), 4];
        else if (length === 127) [length, offset] = [Number(buffer.readBigUInt64BE(2)), 10];
        if (buffer.length < offset + length) return;
        const opcode = buffer[0] & 15;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (opcode === 10 && payload.toString() === 'fin') outcome ??= 'pong';
        // A close frame without a body is allowed (it answers one without a code).
        if (opcode === 8) outcome ??= payload.length >= 2 ? payload.readUInt16BE(0) : 'close';
      }
    };
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve({
          socket,
          gone,
          settle: (ms) =>
            new Promise((done) => {
              const started = Date.now();
              const check = () => {
                if (outcome !== undefined) return done(outcome);
                if (socket.destroyed || socket.readableEnded) return done('ended');
                if (Date.now() - started > ms) return done('silent');
                setTimeout(check, 20);
              };
              check();
            }),
        });
      }
      frames();
    });
    socket.on('end', () => (outcome ??= 'ended'));
    socket.on('error', () => (outcome ??= 'ended'));
    socket.write(
      `GET /api/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nCookie: ${cookie}\r\n\r\n`,
    );
  });
}
