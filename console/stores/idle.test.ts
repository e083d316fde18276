import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeServer } from '../testing/fake-server.ts';
import { FakeWebSocket } from '../testing/fake-socket.ts';
import { createAppStores } from './app.ts';
import { IDLE_NOTICE } from './session.ts';

const ana = { id: 2, username: 'ana', displayName: 'Ana', role: 'tecnico' };
const MINUTE = 60_000;

let app: ReturnType<typeof createAppStores> | undefined;
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  app?.dispose();
  vi.useRealTimers();
});

async function signedIn(idleMinutes = 5) {
  const server = fakeServer({
    'POST /api/auth/login': { body: { user: ana, sesion: { inactividadMin: idleMinutes } } },
    'POST /api/auth/renovar': { status: 204 },
    'POST /api/auth/logout': { status: 204 },
    'GET /api/tickets': { body: { tickets: [], hay_mas: false } },
  });
  app = createAppStores({ fetch: server.fetch, WebSocket: FakeWebSocket, liveUrl: 'ws://x/api/live' });
  await app.session.login('ana', 'buena');
  return { server, app };
}

describe('the idle timeout in the console', () => {
  it('warns a minute before the limit the server gave, not earlier', async () => {
    const { app } = await signedIn(5);
    await vi.advanceTimersByTimeAsync(4 * MINUTE - 2_000);
    expect(app.idle.warning.value).toBe(false);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(app.idle.warning.value).toBe(true);
    expect(app.session.phase.value).toBe('authenticated');
  });

  it('a key or a click puts the warning off again', async () => {
    const { app } = await signedIn(5);
    await vi.advanceTimersByTimeAsync(4 * MINUTE + 1_000);
    expect(app.idle.warning.value).toBe(true);
    app.idle.activity();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(app.idle.warning.value).toBe(false);
  });

  it('"Seguir conectado" tells the server (POST /api/auth/renovar) and restarts the count', async () => {
    const { app, server } = await signedIn(5);
    await vi.advanceTimersByTimeAsync(4 * MINUTE + 30_000);
    await app.idle.keepAlive();
    expect(server.callsTo('POST /api/auth/renovar')).toHaveLength(1);
    expect(server.callsTo('POST /api/auth/renovar')[0].headers).not.toHaveProperty('x-puente-segundo-plano');
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(app.idle.warning.value).toBe(false);
    expect(app.session.phase.value).toBe('authenticated');
  });

  it('nobody answering: the session ends on the server and the login says why', async () => {
    const { app, server } = await signedIn(5);
    await vi.advanceTimersByTimeAsync(5 * MINUTE + 1_000);
    expect(server.callsTo('POST /api/auth/logout')).toHaveLength(1);
    expect(app.session.phase.value).toBe('anonymous');
    expect(app.session.notice.value).toBe(IDLE_NOTICE);
  });

  it('requests made while nobody is at the console are marked as polls; right after a click they are not', async () => {
    const { app, server } = await signedIn(30);
    await app.api.get('/api/tickets');
    expect(server.calls.at(-1)!.headers).not.toHaveProperty('x-puente-segundo-plano');
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    await app.api.get('/api/tickets');
    expect(server.calls.at(-1)!.headers).toMatchObject({ 'x-puente-segundo-plano': '1' });
    app.idle.activity();
    await app.api.get('/api/tickets');
    expect(server.calls.at(-1)!.headers).not.toHaveProperty('x-puente-segundo-plano');
  });
});
