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
 * and nothing is written.
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
});
