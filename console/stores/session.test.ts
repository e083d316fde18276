import { afterEach, describe, expect, it } from 'vitest';
import { error, fakeServer } from '../testing/fake-server.ts';
import { FakeWebSocket } from '../testing/fake-socket.ts';
import { createAppStores } from './app.ts';
import { EXPIRED_NOTICE } from './session.ts';

const ana = { id: 2, username: 'ana', displayName: 'Ana', role: 'tecnico' };
const created: ReturnType<typeof createAppStores>[] = [];
afterEach(() => created.splice(0).forEach((app) => app.dispose()));

const stores = (routes: Parameters<typeof fakeServer>[0]) => {
  const server = fakeServer(routes);
  const app = createAppStores({ fetch: server.fetch, WebSocket: FakeWebSocket, liveUrl: 'ws://x/api/live' });
  created.push(app);
  return { server, app };
};

describe('the session', () => {
  it('survives a reload: /api/auth/me signs the technician in', async () => {
    const { app } = stores({ 'GET /api/auth/me': { body: { user: ana } } });
    await app.session.check();
    expect(app.session.phase.value).toBe('authenticated');
    expect(app.session.user.value).toEqual(ana);
  });

  it('without a session shows the login page without talking of expiry', async () => {
    const { app } = stores({ 'GET /api/auth/me': error(401, 'no_autenticado', 'Inicia sesión') });
    await app.session.check();
    expect(app.session.phase.value).toBe('anonymous');
    expect(app.session.notice.value).toBeNull();
  });

  it('shows the server reason for a wrong password', async () => {
    const { app } = stores({ 'POST /api/auth/login': error(401, 'no_autenticado', 'Usuario o contraseña incorrectos.') });
    expect(await app.session.login('ana', 'mala')).toBe(false);
    expect(app.session.loginError.value).toBe('Usuario o contraseña incorrectos.');
    expect(app.session.notice.value).toBeNull();
  });

  it('any later 401 returns to login with the expiry message', async () => {
    const { app } = stores({
      'POST /api/auth/login': { body: { user: ana } },
      'GET /api/tickets': error(401, 'no_autenticado', 'Tu sesión expiró. Vuelve a iniciar sesión.'),
    });
    await app.session.login('ana', 'buena');
    await app.tickets.refresh();
    expect(app.session.phase.value).toBe('anonymous');
    expect(app.session.notice.value).toBe(EXPIRED_NOTICE);
  });

  it('logs out on the server and forgets the user', async () => {
    const { app, server } = stores({ 'POST /api/auth/login': { body: { user: ana } }, 'POST /api/auth/logout': { status: 204 } });
    await app.session.login('ana', 'buena');
    await app.session.logout();
    expect(server.callsTo('POST /api/auth/logout')).toHaveLength(1);
    expect(app.session.user.value).toBeNull();
    expect(app.session.phase.value).toBe('anonymous');
  });
});
