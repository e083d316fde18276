import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.ts';

// Cases test/fuzz.test.ts found, kept as plain regression tests: each answered outside the
// contract's error body (or as a 500) before its fix.
let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('answers found by the fuzzer', () => {
  it('400 in the error body for a path parameter over the router limit (was Fastify\'s own 414 body)', async () => {
    const response = await t.app.inject({ method: 'POST', url: `/api/messages/${'x'.repeat(101)}/reenviar`, headers: t.admin });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'La dirección de la solicitud es demasiado larga.' });
  });

  it('400 in the error body for a path that is not valid percent-encoding', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/tickets/%E0%A4%A', headers: t.admin });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'La dirección de la solicitud no es válida.' });
  });

  it('400 in the error body for a plain GET of the WebSocket (was an empty 404)', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/live', headers: t.admin });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'Esta dirección solo acepta conexiones WebSocket.' });
  });
});
