import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type { PuenteEvent } from '../../server/events.ts';

// `ws` (a dependency of @fastify/websocket) ships no types and @types/ws is not installed:
// describe the little of it the tests use.
interface WsClient {
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode?: number }) => void): void;
  close(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, options?: { headers?: Record<string, string> }) => WsClient;

export interface LiveConsole {
  events: PuenteEvent[];
  /** Resolves once the socket is closed (by either side). */
  closed: Promise<void>;
  close(): void;
}

/** The app listening on a spare local port (sockets need a real server, not inject); its ws:// base. */
export async function listenForSockets(app: FastifyInstance): Promise<string> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return address.replace(/^http/, 'ws');
}

/** Opens /api/live as a console would; resolves once the server accepted the upgrade. */
export function openLive(baseUrl: string, cookie: string): Promise<LiveConsole> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl}/api/live`, { headers: { cookie } });
    const events: PuenteEvent[] = [];
    const closed = new Promise<void>((done) => socket.on('close', done));
    socket.on('message', (data) => events.push(JSON.parse(data.toString('utf8'))));
    socket.on('open', () => resolve({ events, closed, close: () => socket.close() }));
    socket.on('unexpected-response', (_req, res) => reject(Object.assign(new Error('refused'), { statusCode: res.statusCode })));
    socket.on('error', reject);
  });
}
