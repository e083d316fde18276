import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, createTicket, eventually, type TestApp } from '../../test/support/app.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(() => t.close());

const get = (url: string, etag?: string) => t.app.inject({ method: 'GET', url, headers: { ...t.admin, ...(etag ? { 'if-none-match': etag } : {}) } });

/** 200 with a weak ETag; the same request with it answers 304 and no body. */
async function versionOf(url: string): Promise<string> {
  const first = await get(url);
  expect(first.statusCode).toBe(200);
  const etag = String(first.headers.etag);
  expect(etag).toMatch(/^W\/".+"$/);
  expect(first.headers['cache-control']).toBe('private, no-cache');
  const again = await get(url, etag);
  expect(again.statusCode).toBe(304);
  expect(again.body).toBe('');
  return etag;
}

describe('conditional GET (ETag / If-None-Match)', () => {
  it('GET /ticket/:id/conversacion: 304 while unchanged, 200 with a new ETag once a message is filed', async () => {
    const ticket = await createTicket(t);
    const url = `/ticket/${ticket.id}/conversacion`;
    const before = await versionOf(url);
    const inbound = await t.app.inject({ method: 'POST', url: '/api/simulator/inbound', headers: t.admin, payload: { from: ticket.phone, body: 'sigue sin encender' } });
    expect(inbound.statusCode).toBeLessThan(300);
    await eventually(async () => (await get(url, before)).statusCode === 200);
    const after = await get(url, before);
    expect(after.json().historial.at(-1).content).toBe('sigue sin encender');
    expect(after.headers.etag).not.toBe(before);
  });

  it('GET /api/tickets: a status change gives a new ETag; another query never shares one', async () => {
    const ticket = await createTicket(t);
    const before = await versionOf('/api/tickets');
    expect(await versionOf('/api/tickets?asignado=ninguno')).toBe(before); // same tickets, same body
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, headers: t.admin, payload: { status: 'on_hold' } });
    expect(patched.statusCode).toBe(200);
    const after = await get('/api/tickets', before);
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before);
    const empty = await get('/api/tickets?status=resolved', before);
    expect(empty.statusCode).toBe(200);
    expect(empty.headers.etag).not.toBe(after.headers.etag);
  });

  it('GET /api/whatsapp/status: a new ETag when the link goes down', async () => {
    const before = await versionOf('/api/whatsapp/status');
    await t.app.inject({ method: 'POST', url: '/api/simulator/connection', headers: t.admin, payload: { state: 'disconnected' } });
    const after = await get('/api/whatsapp/status', before);
    expect(after.statusCode).toBe(200);
    expect(after.json().state).toBe('disconnected');
  });

  it('never answers an error with 304, and accepts the strong spelling and a list', async () => {
    const missing = await get('/ticket/999/conversacion', '*');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
    const etag = await versionOf('/api/whatsapp/status');
    expect((await get('/api/whatsapp/status', `"x", ${etag.slice(2)}`)).statusCode).toBe(304);
  });
});
