// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { error } from '../testing/fake-server.ts';
import { renderSignedIn, settle, type SignedInPage } from '../testing/render.tsx';
import AccountsPage from './AccountsPage.tsx';

const ana = { id: 2, username: 'ana', displayName: 'Ana Técnica', role: 'tecnico' };
const tokens = [
  { id: 7, name: 'CRM', createdAt: '2026-02-05T10:00:00.000Z', lastUsedAt: null, revokedAt: null },
  { id: 8, name: 'Viejo', createdAt: '2026-01-05T10:00:00.000Z', lastUsedAt: '2026-01-06T10:00:00.000Z', revokedAt: '2026-01-07T10:00:00.000Z' },
];

let shown: SignedInPage | undefined;
afterEach(() => shown?.close());

async function showAs(role: 'admin' | 'tecnico') {
  shown = await renderSignedIn(
    role,
    {
      'GET /api/whatsapp/status': { body: { driver: 'simulator', state: 'ready', since: '2026-02-05T10:00:00Z', lastReadyAt: null, queued: 0 } },
      'GET /api/users/desactivadas': { body: { users: [] } },
      'GET /api/users': { body: { users: [{ id: 1, username: 'admin', displayName: 'Administrador', role: 'admin' }, ana] } },
      'GET /api/tokens': { body: { tokens } },
    },
    <AccountsPage />,
  );
  return { page: shown.container, server: shown.server };
}

const input = (page: Element, id: string) => page.querySelector<HTMLInputElement>(`#${id}`)!;
function type(field: HTMLInputElement | HTMLSelectElement, value: string) {
  field.value = value;
  field.dispatchEvent(new Event(field instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}

describe('<AccountsPage>', () => {
  it('shows an admin the accounts with their roles in Spanish, and the tokens with their state', async () => {
    const { page } = await showAs('admin');
    const users = page.querySelector('[data-testid="users-table"]')!;
    expect(users.querySelector('[data-testid="user-row-ana"]')?.textContent).toBe('anaAna TécnicaTécnicoRestablecer contraseña Desactivar');
    expect(users.querySelector('[data-testid="user-row-admin"]')?.textContent).toContain('Administrador');
    expect(page.querySelector('[data-testid="token-row-7"]')?.textContent).toContain('Activo');
    expect(page.querySelector('[data-testid="token-row-7"] button')?.textContent?.trim()).toBe('Revocar');
    expect(page.querySelector('[data-testid="token-row-8"]')?.textContent).toContain('Revocado');
    expect(page.querySelector('[data-testid="token-row-8"] button')).toBeNull();
  });

  it('tells a technician the page is for admins, without asking the server for anything', async () => {
    const { page, server } = await showAs('tecnico');
    expect(page.textContent).toContain('solo para administradores');
    expect(page.querySelector('table')).toBeNull();
    expect(server.callsTo('GET /api/users')).toHaveLength(0);
    expect(server.callsTo('GET /api/tokens')).toHaveLength(0);
  });

  it('keeps what was typed and shows the server’s words when it refuses a new account', async () => {
    const { page, server } = await showAs('admin');
    server.on('POST /api/users', error(409, 'estado_invalido', 'El usuario ana ya existe.'));
    type(input(page, 'new-user-username'), 'ana');
    type(input(page, 'new-user-password'), 'clave-larga-123');
    type(page.querySelector<HTMLSelectElement>('#new-user-role')!, 'admin');
    page.querySelector<HTMLFormElement>('form[aria-labelledby="new-user-title"]')!.requestSubmit();
    await settle();
    expect(server.callsTo('POST /api/users')[0].body).toEqual({ username: 'ana', password: 'clave-larga-123', role: 'admin' });
    expect(page.textContent).toContain('El usuario ana ya existe.');
    expect(input(page, 'new-user-username').value).toBe('ana');
    expect(page.querySelector<HTMLSelectElement>('#new-user-role')!.value).toBe('admin');
  });

  it('shows a new token once, with the warning, until it is dismissed', async () => {
    const { page, server } = await showAs('admin');
    server.on('POST /api/tokens', { status: 201, body: { id: 9, name: 'Monitoreo', token: 'secreto-abc' } });
    type(input(page, 'new-token-name'), 'Monitoreo');
    page.querySelector<HTMLFormElement>('form[aria-labelledby="new-token-title"]')!.requestSubmit();
    await settle();
    const shown = page.querySelector('[data-testid="created-token"]')!;
    expect(shown.querySelector('[data-testid="token-secret"]')?.textContent).toBe('secreto-abc');
    expect(shown.textContent).toContain('no se volverá a mostrar');
    [...shown.querySelectorAll('button')].find((button) => button.textContent === 'Ya lo guardé')!.click();
    await settle();
    expect(page.textContent).not.toContain('secreto-abc');
  });
});
