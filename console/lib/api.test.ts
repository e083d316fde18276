import { describe, expect, it, vi } from 'vitest';
import { error, fakeServer } from '../testing/fake-server.ts';
import { ApiError, createApi } from './api.ts';

describe('createApi', () => {
  it('sends JSON with its content type only when there is a body', async () => {
    const server = fakeServer({ 'POST /x': { body: { ok: true } }, 'POST /empty': { status: 204 } });
    const api = createApi({ fetch: server.fetch });
    expect(await api.post('/x', { a: 1 }, { 'Idempotency-Key': 'k1' })).toEqual({ ok: true });
    expect(await api.post('/empty')).toBeUndefined();
    expect(server.calls[0].headers).toEqual({ 'content-type': 'application/json', 'Idempotency-Key': 'k1' });
    expect(server.calls[0].body).toEqual({ a: 1 });
    expect(server.calls[1].headers).toEqual({});
  });

  it("throws an ApiError with the status and the server's error and mensaje", async () => {
    const server = fakeServer({ 'POST /ticket/9/enviar-mensaje': error(400, 'solicitud_invalida', 'mensaje: el mensaje no puede estar vacío') });
    const failure = await createApi({ fetch: server.fetch }).post('/ticket/9/enviar-mensaje', { mensaje: '' }).catch((e) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 400, error: 'solicitud_invalida', mensaje: 'mensaje: el mensaje no puede estar vacío' });
  });

  it('turns a body that is not JSON and a network failure into ApiErrors too', async () => {
    const server = fakeServer({
      'GET /html': () => ({ status: 502, body: undefined }),
      'GET /down': 'offline',
    });
    const api = createApi({ fetch: server.fetch });
    await expect(api.get('/html')).rejects.toMatchObject({ status: 502, error: 'error_desconocido' });
    await expect(api.get('/down')).rejects.toMatchObject({ status: 0, error: 'sin_conexion' });
  });

  it('reports a 401 as an expired session, except where 401 is an expected answer', async () => {
    const server = fakeServer({ 'GET /api/tickets': error(401, 'no_autenticado', 'Tu sesión expiró.'), 'POST /api/auth/login': error(401, 'no_autenticado', 'Usuario o contraseña incorrectos.') });
    const onUnauthorized = vi.fn();
    const api = createApi({ fetch: server.fetch, onUnauthorized });
    await expect(api.request('/api/auth/login', { body: {}, expectUnauthorized: true })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(api.get('/api/tickets')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});
