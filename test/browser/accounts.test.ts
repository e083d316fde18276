import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectPageErrors, login, useServiceAndBrowser } from './helpers.ts';

const shared = useServiceAndBrowser();

async function signedIn(credentials = shared.service.admin) {
  const context = await shared.browser.newContext();
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  await login(page, shared.service, credentials);
  return { page, errors, close: () => context.close() };
}

async function openAccounts(page: Page) {
  await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Cuentas' }).click();
  await page.getByRole('heading', { name: 'Cuentas', level: 1 }).waitFor();
}

const plantillas = (token: string) =>
  fetch(`${shared.service.url}/api/plantillas`, { headers: { authorization: `Bearer ${token}` } });

describe('the Cuentas page', () => {
  it('lets an admin create a technician who can then sign in; a technician only gets a notice', async () => {
    const admin = await signedIn();
    await openAccounts(admin.page);
    await admin.page.getByTestId('user-row-admin').waitFor();
    await admin.page.getByLabel('Nombre de usuario').fill('beto');
    await admin.page.getByLabel('Nombre para mostrar').fill('Beto Técnico');
    await admin.page.getByLabel('Contraseña inicial').fill('clave-de-beto-123');
    await admin.page.getByLabel('Rol').selectOption({ label: 'Técnico' });
    await admin.page.getByRole('button', { name: 'Crear cuenta' }).click();
    const row = admin.page.getByTestId('user-row-beto');
    await row.getByText('Técnico', { exact: true }).waitFor();
    expect(await row.textContent()).toContain('Beto Técnico');
    expect(await admin.page.getByLabel('Nombre de usuario').inputValue()).toBe('');
    expect(admin.errors).toEqual([]);
    await admin.close();

    const technician = await signedIn({ username: 'beto', password: 'clave-de-beto-123' });
    await technician.page.getByTestId('tickets-table').waitFor();
    expect(await technician.page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Cuentas' }).count()).toBe(0);
    const asked: string[] = [];
    technician.page.on('request', (request) => {
      if (/\/api\/(users|tokens)/.test(request.url())) asked.push(request.url());
    });
    await technician.page.goto(`${shared.service.url}/cuentas`);
    await technician.page.getByText('solo para administradores').waitFor();
    expect(await technician.page.locator('table').count()).toBe(0);
    expect(asked).toEqual([]);
    expect(technician.errors).toEqual([]);

    // The admin deactivates beto: the open session ends, the next page load goes to login.
    const again = await signedIn();
    await openAccounts(again.page);
    expect(await again.page.getByTestId('user-row-admin').getByRole('button', { name: /Desactivar/ }).count()).toBe(0);
    await again.page.getByRole('button', { name: 'Desactivar beto' }).click();
    await again.page.getByRole('alertdialog').getByRole('button', { name: 'Sí, desactivar' }).click();
    await again.page.getByTestId('user-row-beto').waitFor({ state: 'detached' });
    expect(again.errors).toEqual([]);
    await again.close();
    await technician.page.goto(`${shared.service.url}/`);
    await technician.page.getByLabel('Contraseña').waitFor();
    await technician.close();
  });

  it('creates a token that works once shown, and revokes it after a confirmation', async () => {
    const { page, errors, close } = await signedIn();
    await openAccounts(page);
    await page.getByLabel('Nombre del token').fill('Integración de prueba');
    await page.getByRole('button', { name: 'Crear token' }).click();
    const shown = page.getByTestId('created-token');
    await shown.getByText('no se volverá a mostrar').waitFor();
    const token = (await shown.getByTestId('token-secret').textContent())!.trim();
    expect(token.length).toBeGreaterThan(10);
    expect((await plantillas(token)).status).toBe(200);

    const row = page.getByTestId('tokens-table').getByRole('row').filter({ hasText: 'Integración de prueba' });
    await row.getByText('Activo', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Revocar' }).click();
    const confirm = page.getByRole('alertdialog', { name: '¿Revocar el token?' });
    await confirm.getByRole('button', { name: 'Sí, revocar' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.getByText('Revocado', { exact: true }).waitFor();
    expect(await row.getByRole('button', { name: 'Revocar' }).count()).toBe(0);
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    expect((await plantillas(token)).status).toBe(401);
    expect(errors).toEqual([]);
    await close();
  });

  it('an admin resets a password: the old session is gone, the new password works; the person then changes it under Mi cuenta', async () => {
    const admin = await signedIn();
    await openAccounts(admin.page);
    await admin.page.getByLabel('Nombre de usuario').fill('carla');
    await admin.page.getByLabel('Contraseña inicial').fill('clave-de-carla-123');
    await admin.page.getByRole('button', { name: 'Crear cuenta' }).click();
    await admin.page.getByTestId('user-row-carla').waitFor();

    const technician = await signedIn({ username: 'carla', password: 'clave-de-carla-123' });
    await technician.page.getByTestId('tickets-table').waitFor();

    await admin.page.getByRole('button', { name: 'Restablecer la contraseña de carla' }).click();
    const dialog = admin.page.getByTestId('reset-password');
    await dialog.getByLabel('Nueva contraseña').fill('otra-clave-de-carla');
    await dialog.getByRole('button', { name: 'Guardar contraseña' }).click();
    await dialog.waitFor({ state: 'detached' });
    await admin.page.getByText('Se cambió la contraseña de carla').waitFor();

    // Carla's open console is signed out at its next request; the old password no longer works.
    await technician.page.goto(`${shared.service.url}/`);
    await technician.page.getByRole('button', { name: 'Entrar' }).waitFor();
    await technician.page.getByLabel('Usuario').fill('carla');
    await technician.page.getByLabel('Contraseña').fill('clave-de-carla-123');
    await technician.page.getByRole('button', { name: 'Entrar' }).click();
    await technician.page.getByText('Usuario o contraseña incorrectos.').waitFor();
    await technician.close();

    const renewed = await signedIn({ username: 'carla', password: 'otra-clave-de-carla' });
    await renewed.page.getByRole('button', { name: 'Mi cuenta' }).click();
    const mine = renewed.page.getByTestId('my-account');
    await mine.getByLabel('Contraseña actual').fill('no-es-la-mia');
    await mine.getByLabel('Nueva contraseña', { exact: true }).fill('clave-propia-de-carla');
    await mine.getByLabel('Repite la nueva contraseña').fill('clave-propia-de-carla');
    await mine.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await mine.getByText('La contraseña actual no es correcta.').waitFor();
    await mine.getByLabel('Contraseña actual').fill('otra-clave-de-carla');
    await mine.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await mine.waitFor({ state: 'detached' });
    await renewed.page.getByTestId('tickets-table').waitFor(); // still signed in
    const loginWith = (password: string) =>
      fetch(`${shared.service.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'carla', password }) });
    expect((await loginWith('clave-propia-de-carla')).status).toBe(200);
    expect(renewed.errors).toEqual([]);
    await renewed.close();

    // Deactivated, then brought back from the list of deactivated accounts.
    await admin.page.getByRole('button', { name: 'Desactivar carla' }).click();
    await admin.page.getByRole('alertdialog').getByRole('button', { name: 'Sí, desactivar' }).click();
    await admin.page.getByRole('button', { name: 'Reactivar carla' }).click();
    await admin.page.getByTestId('user-row-carla').waitFor();
    expect(await admin.page.getByTestId('deactivated-row-carla').count()).toBe(0);
    expect((await loginWith('clave-propia-de-carla')).status).toBe(200);
    expect(admin.errors).toEqual([]);
    await admin.close();
  });
});
