import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectPageErrors, createTechnician, login, useServiceAndBrowser } from './helpers.ts';

// Behind a trusted proxy the audit keeps the address the proxy names: a distinct one proves the
// page shows where the attempt came from, not just the loopback every test shares.
const shared = useServiceAndBrowser({ env: { TRUST_PROXY: 'on' } });

describe('the Auditoría page', () => {
  it('shows an admin a failed login with the address it came from; filters by action', async () => {
    const intruder = await shared.browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.9' } });
    const attempt = await intruder.newPage();
    await attempt.goto(shared.service.url);
    await attempt.getByLabel('Usuario').fill('mallory');
    await attempt.getByLabel('Contraseña').fill('no-es-la-clave');
    await attempt.getByRole('button', { name: 'Entrar' }).click();
    await attempt.getByText('Usuario o contraseña incorrectos.').waitFor();
    await intruder.close();

    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Auditoría' }).click();
    await page.getByRole('heading', { name: 'Auditoría', level: 1 }).waitFor();
    const table = page.getByTestId('audit-table');
    const failed = table.getByRole('row').filter({ hasText: 'Inicio de sesión fallido' });
    await failed.waitFor();
    expect(await failed.getByRole('cell').allTextContents()).toEqual([expect.any(String), 'mallory', 'Inicio de sesión fallido', '—', '203.0.113.9', '']);
    const ownLogin = table.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Inicio de sesión', exact: true }) });
    expect(await ownLogin.first().getByRole('cell').nth(1).textContent()).toBe('admin');

    await page.getByLabel('Acción').selectOption({ label: 'Inicio de sesión fallido' });
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await expectRows(page, ['mallory']);
    await page.getByLabel('Usuario').fill('nadie');
    await page.getByRole('button', { name: 'Filtrar' }).click();
    await table.getByText('No hay eventos con estos filtros.').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is not offered to a technician, and its API answers 403', async () => {
    const technician = await createTechnician(shared.service);
    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service, technician);
    const nav = page.getByRole('navigation', { name: 'Principal' });
    await nav.getByRole('link', { name: 'Estadísticas' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Auditoría' }).count()).toBe(0);
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/auditoria');
      return { status: response.status, body: await response.json() };
    });
    expect(answer).toMatchObject({ status: 403, body: { error: 'sin_permiso' } });
    await page.goto(`${shared.service.url}/auditoria`);
    await page.getByTestId('audit-admin-only').waitFor();
    expect(await page.getByTestId('audit-table').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** The actors of the rows shown, in order: the filter took effect. */
async function expectRows(page: Page, actors: string[]) {
  const table = page.getByTestId('audit-table');
  await expect.poll(async () => table.locator('tbody tr td:nth-child(2)').allTextContents(), { timeout: 10_000 }).toEqual(actors);
}
