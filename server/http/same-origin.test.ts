import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.ts';

// A page on another site can make the browser send the session cookie with a write (a form, a
// fetch with no-cors) or open the WebSocket: the service answers such writes 403 sin_permiso
// and changes nothing. inject's Host is "localhost:80".
let t: TestApp;
afterEach(() => t?.close());

const ticket = { phone: '+5214772758198', name: 'Juan Pérez', subject: 'Laptop no enciende' };
const tickets = () => t.app.puente.db.prisma.ticket.count();
const write = (headers: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: '/api/tickets', headers: { ...t.admin, ...headers }, payload: ticket });

describe('cookie-authenticated writes', () => {
  it.each([
    ['Origin of another site', { origin: 'https://evil.example' }],
    ['Origin of the same host on another port', { origin: 'http://localhost:8080' }],
    ['Origin of the same host over another scheme and port', { origin: 'https://localhost' }],
    ['Origin "null" (sandboxed frame)', { origin: 'null' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site cross-site even with a matching Origin', { 'sec-fetch-site': 'cross-site', origin: 'http://localhost' }],
  ])('refuses a write with %s: 403 sin_permiso, nothing written', async (_label, headers) => {
    t = await buildTestApp();
    const response = await write(headers);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'sin_permiso', mensaje: expect.stringMatching(/consola/) });
    expect(await tickets()).toBe(0);
  });

  it.each([
    ['the console\'s own Origin', { origin: 'http://localhost' }],
    ['the console\'s own Origin with its port spelled out', { origin: 'http://localhost:80' }],
    ['Sec-Fetch-Site same-origin', { 'sec-fetch-site': 'same-origin', origin: 'http://localhost' }],
    ['neither header (curl, scripts)', {}],
  ])('accepts a write with %s', async (_label, headers) => {
    t = await buildTestApp();
    expect((await write(headers)).statusCode).toBe(201);
    expect(await tickets()).toBe(1);
  });

  it('guards logout too, and leaves reads alone', async () => {
    t = await buildTestApp();
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { ...t.admin, origin: 'https://evil.example' } });
    expect(logout.statusCode).toBe(403);
    const read = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { ...t.admin, origin: 'https://evil.example' } });
    expect(read.statusCode).toBe(200); // the session survived the refused logout
  });

  it('behind a trusted proxy compares with X-Forwarded-Host', async () => {
    t = await buildTestApp({ TRUST_PROXY: 'on' });
    const proxied = { 'x-forwarded-host': 'puente.empresa.mx', 'x-forwarded-proto': 'https' };
    expect((await write({ ...proxied, origin: 'https://puente.empresa.mx' })).statusCode).toBe(201);
    expect((await write({ ...proxied, origin: 'http://localhost' })).statusCode).toBe(403);
  });

  it('exempts integration tokens: no browser sends them by itself', async () => {
    t = await buildTestApp();
    const created = await t.app.inject({ method: 'POST', url: '/api/tokens', headers: t.admin, payload: { name: 'erp' } });
    const authorization = `Bearer ${created.json().token}`;
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { authorization, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      payload: ticket,
    });
    expect(response.statusCode).toBe(201);
  });
});

interface WsClient {
  on(event: 'open', listener: () => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  on(event: 'unexpected-response', listener: (req: unknown, res: { statusCode?: number }) => void): void;
  close(): void;
}
const WebSocket = createRequire(import.meta.url)('ws') as new (url: string, options: { headers: Record<string, string> }) => WsClient;

function open(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', reject);
  });
}

describe('the live WebSocket', () => {
  it('opens from the console\'s origin and is refused (403) from another site\'s page', async () => {
    t = await buildTestApp();
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `${address.replace(/^http/, 'ws')}/api/live`;
    expect(await open(url, { ...t.admin, origin: address })).toBe(101);
    expect(await open(url, { ...t.admin, origin: 'https://evil.example' })).toBe(403);
  });
});
