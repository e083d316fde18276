import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/use-app.ts';
import { callers } from '../../test/support/auth.ts';

const t = useTestApp();

const { asAdmin, withCookie, withBearer, createTechnician, createToken } = callers(() => t);

describe('POST /api/whatsapp/logout', () => {
  it('401 no_autenticado without credentials, and the number stays linked', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/whatsapp/logout' });
    expect(response.statusCode).toBe(401);
    expect(t.simulator.state().state).toBe('ready');
  });

  it('403 sin_permiso for a technician, and the number stays linked', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'POST', url: '/api/whatsapp/logout' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
    expect(t.simulator.state().state).toBe('ready');
  });

  it('403 sin_permiso for an integration token', async () => {
    const { token } = await createToken();
    const response = await withBearer(token, { method: 'POST', url: '/api/whatsapp/logout' });
    expect(response.statusCode).toBe(403);
    expect(t.simulator.state().state).toBe('ready');
  });

  it('202 for an admin: the number is unlinked', async () => {
    const response = await asAdmin({ method: 'POST', url: '/api/whatsapp/logout' });
    expect(response.statusCode).toBe(202);
    expect(t.simulator.state().state).not.toBe('ready');
  });
});

describe('POST /api/whatsapp/connect', () => {
  it('403 for a technician; 202 for an admin, bringing the link back after an unlink', async () => {
    const technician = await createTechnician();
    expect((await withCookie(technician.cookie, { method: 'POST', url: '/api/whatsapp/connect' })).statusCode).toBe(403);
    await asAdmin({ method: 'POST', url: '/api/whatsapp/logout' });
    expect((await asAdmin({ method: 'GET', url: '/api/whatsapp/status' })).json().state).toBe('logged_out');
    const response = await asAdmin({ method: 'POST', url: '/api/whatsapp/connect' });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ state: 'ready' });
  });
});
