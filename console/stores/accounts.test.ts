import { describe, expect, it } from 'vitest';
import { createApi } from '../lib/api.ts';
import type { ApiToken, User } from '../lib/types.ts';
import { error, fakeServer } from '../testing/fake-server.ts';
import { createAccountsStore } from './accounts.ts';

const admin: User = { id: 1, username: 'admin', displayName: 'Administrador', role: 'admin' };
const ana: User = { id: 2, username: 'ana', displayName: 'Ana Técnica', role: 'tecnico' };
const active: ApiToken = { id: 7, name: 'CRM', createdAt: '2026-02-05T10:00:00.000Z', lastUsedAt: null, revokedAt: null };

function setup(routes: Parameters<typeof fakeServer>[0] = {}) {
  const server = fakeServer({
    'GET /api/users/desactivadas': { body: { users: [] } },
    'GET /api/users': { body: { users: [admin] } },
    'GET /api/tokens': { body: { tokens: [active] } },
    ...routes,
  });
  return { server, store: createAccountsStore(createApi({ fetch: server.fetch })) };
}

describe('the accounts store', () => {
  it('lists users and tokens', async () => {
    const { store } = setup();
    await store.refresh();
    expect(store.users.value).toEqual([admin]);
    expect(store.tokens.value).toEqual([active]);
    expect(store.loaded.value).toBe(true);
    expect(store.error.value).toBeNull();
  });

  it('says why the lists could not be loaded', async () => {
    const { store } = setup({ 'GET /api/users': error(403, 'prohibido', 'Solo un administrador puede hacer esto.') });
    await store.refresh();
    expect(store.error.value).toBe('Solo un administrador puede hacer esto.');
  });

  it('creates a user through POST /api/users, adds it to the list and clears the form', async () => {
    const { server, store } = setup({ 'POST /api/users': { status: 201, body: ana } });
    await store.refresh();
    store.editUser({ username: ' ana ', password: 'clave-larga-123', role: 'tecnico', displayName: 'Ana Técnica' });
    expect(await store.createUser()).toEqual(ana);
    expect(server.callsTo('POST /api/users')[0].body).toEqual({ username: 'ana', password: 'clave-larga-123', role: 'tecnico', displayName: 'Ana Técnica' });
    expect(store.users.value).toEqual([admin, ana]);
    expect(store.userForm.value).toEqual({ username: '', password: '', role: 'tecnico', displayName: '' });
    expect(store.userError.value).toBeNull();
  });

  it('leaves out an empty display name', async () => {
    const { server, store } = setup({ 'POST /api/users': { status: 201, body: { ...ana, displayName: null } } });
    store.editUser({ username: 'ana', password: 'clave-larga-123', displayName: '  ' });
    await store.createUser();
    expect(server.callsTo('POST /api/users')[0].body).not.toHaveProperty('displayName');
  });

  it.each([
    [400, 'solicitud_invalida', 'la contraseña debe tener al menos 8 caracteres'],
    [409, 'estado_invalido', 'El usuario ana ya existe.'],
  ])('keeps the form and shows the server’s words on a %i', async (status, word, mensaje) => {
    const { store } = setup({ 'POST /api/users': error(status, word, mensaje) });
    const form = { username: 'ana', password: 'corta', role: 'admin' as const, displayName: 'Ana' };
    store.editUser(form);
    expect(await store.createUser()).toBeNull();
    expect(store.userError.value).toBe(mensaje);
    expect(store.userForm.value).toEqual(form);
    expect(store.creatingUser.value).toBe(false);
  });

  it('creates a token, keeps its secret to show once, and refreshes the list', async () => {
    const fresh = { id: 8, name: 'Monitoreo', token: 'secreto-123' };
    const { server, store } = setup({ 'POST /api/tokens': { status: 201, body: fresh } });
    store.tokenName.value = ' Monitoreo ';
    expect(await store.createToken()).toEqual(fresh);
    expect(server.callsTo('POST /api/tokens')[0].body).toEqual({ name: 'Monitoreo' });
    expect(store.created.value).toEqual(fresh);
    expect(store.tokenName.value).toBe('');
    expect(server.callsTo('GET /api/tokens')).toHaveLength(1);
    store.dismissToken();
    expect(store.created.value).toBeNull();
  });

  it('keeps the token name and shows the server’s words when creating fails', async () => {
    const { store } = setup({ 'POST /api/tokens': error(400, 'solicitud_invalida', 'falta el nombre') });
    store.tokenName.value = 'CRM';
    expect(await store.createToken()).toBeNull();
    expect(store.tokenError.value).toBe('falta el nombre');
    expect(store.tokenName.value).toBe('CRM');
    expect(store.created.value).toBeNull();
  });

  it('revokes a token through DELETE /api/tokens/:id and shows it revoked', async () => {
    const { server, store } = setup({ 'DELETE /api/tokens/7': { status: 204 } });
    await store.refresh();
    server.on('GET /api/tokens', { body: { tokens: [{ ...active, revokedAt: '2026-02-06T10:00:00.000Z' }] } });
    expect(await store.revokeToken(7)).toBe(true);
    expect(server.callsTo('DELETE /api/tokens/7')).toHaveLength(1);
    expect(store.tokens.value[0].revokedAt).toBe('2026-02-06T10:00:00.000Z');
    expect(store.revoking.value).toBeNull();
  });

  it('says why a revocation failed', async () => {
    const { store } = setup({ 'DELETE /api/tokens/7': error(404, 'no_encontrado', 'No existe un token activo 7.') });
    await store.refresh();
    expect(await store.revokeToken(7)).toBe(false);
    expect(store.tokenError.value).toBe('No existe un token activo 7.');
    expect(store.tokens.value[0].revokedAt).toBeNull();
  });

  it('forgets a shown secret on reset (signing out)', async () => {
    const { store } = setup({ 'POST /api/tokens': { status: 201, body: { id: 8, name: 'x', token: 's' } } });
    store.tokenName.value = 'x';
    await store.createToken();
    store.reset();
    expect(store.created.value).toBeNull();
    expect(store.tokens.value).toEqual([]);
  });

  it('lists deactivated accounts apart, and a reactivated one moves back to the active list', async () => {
    const { server, store } = setup({
      'GET /api/users/desactivadas': { body: { users: [ana] } },
      'POST /api/users/2/reactivar': { body: ana },
    });
    await store.refresh();
    expect(store.users.value).toEqual([admin]);
    expect(store.deactivated.value).toEqual([ana]);
    expect(await store.reactivateUser(2)).toBe(true);
    expect(server.callsTo('POST /api/users/2/reactivar')).toHaveLength(1);
    expect(store.users.value).toEqual([admin, ana]);
    expect(store.deactivated.value).toEqual([]);
  });

  it('a deactivated account moves to the deactivated list', async () => {
    const { store } = setup({ 'GET /api/users': { body: { users: [admin, ana] } }, 'DELETE /api/users/2': { status: 204 } });
    await store.refresh();
    expect(await store.deactivateUser(2)).toBe(true);
    expect(store.users.value).toEqual([admin]);
    expect(store.deactivated.value).toEqual([ana]);
  });

  it("resets a password through POST /api/users/:id/contrasena, or answers the server's reason", async () => {
    const { server, store } = setup({ 'POST /api/users/2/contrasena': { status: 204 } });
    expect(await store.resetPassword(2, 'nueva-clave-123')).toBeNull();
    expect(server.callsTo('POST /api/users/2/contrasena')[0].body).toEqual({ password: 'nueva-clave-123' });
    server.on('POST /api/users/2/contrasena', error(400, 'solicitud_invalida', 'password: la contraseña debe tener al menos 8 caracteres'));
    expect(await store.resetPassword(2, 'corta')).toBe('password: la contraseña debe tener al menos 8 caracteres');
  });
});
