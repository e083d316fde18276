import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/service.ts';
import { collectPageErrors, createTechnician, login, useServiceAndBrowser } from './helpers.ts';

const shared = useServiceAndBrowser();
let technician: { username: string; password: string };

// A 1×1 PNG stands in for a QR where the browser is made to believe a QR leaked to it.
const FAKE_QR = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

beforeAll(async () => {
  technician = await createTechnician(shared.service);
});

/** Makes the page believe the service is showing a QR, QR included, whoever asks. */
async function pretendLinking(page: Page) {
  await page.route('**/api/whatsapp/status', async (route) => {
    try {
      const real = await (await route.fetch()).json();
      await route.fulfill({ json: { ...real, state: 'qr', qr: '2@fake', qrImage: FAKE_QR } });
    } catch {
      // The page is closing under an in-flight poll; were it not, the aborted poll shows in the test.
      await route.abort().catch(() => {});
    }
  });
}

async function openWhatsAppPage(credentials: { username: string; password: string }, linking: boolean) {
  const context = await shared.browser.newContext();
  const page = await context.newPage();
  const errors = collectPageErrors(page);
  if (linking) await pretendLinking(page);
  await login(page, shared.service, credentials);
  await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'WhatsApp' }).click();
  await page.getByRole('heading', { name: 'WhatsApp', level: 1 }).waitFor();
  // A status poll may be mid-route.fetch when the test ends: drop the route first, ignoring the
  // "Response has been disposed" of that in-flight fetch instead of failing the run with it.
  const close = async () => {
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  };
  return { page, errors, close };
}

describe('the WhatsApp page', () => {
  it('shows a technician the state, and no QR even if one reached the browser', async () => {
    const api = await adminClient(shared.service);
    const login = await fetch(`${shared.service.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(technician),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0];
    const asTechnician = await (await fetch(`${shared.service.url}/api/whatsapp/status`, { headers: { cookie } })).json();
    expect(asTechnician).not.toHaveProperty('qr');
    expect(asTechnician).not.toHaveProperty('qrImage');
    expect((await api('/api/whatsapp/status')).status).toBe(200);

    const plain = await openWhatsAppPage(technician, false);
    await plain.page.getByTestId('whatsapp-status').getByText('Conectado', { exact: true }).waitFor();
    expect(await plain.page.getByRole('button', { name: 'Desvincular número' }).count()).toBe(0);
    await plain.close();

    const leaked = await openWhatsAppPage(technician, true);
    await leaked.page.getByTestId('whatsapp-status').getByText('Esperando escaneo del código QR').waitFor();
    await leaked.page.getByText('Solo un administrador puede vincular').waitFor();
    expect(await leaked.page.locator('img').count()).toBe(0);
    expect(leaked.errors).toEqual([]);
    await leaked.close();
  });

  it('with the simulator showing a real QR: the admin sees it rendered, the technician never receives it', async () => {
    const api = await adminClient(shared.service);
    await api('/api/simulator/connection', { body: { state: 'qr' } });
    try {
      const admin = await openWhatsAppPage(shared.service.admin, false);
      const qr = admin.page.getByRole('img', { name: 'Código QR para vincular WhatsApp' });
      await qr.waitFor();
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      await admin.close();

      const tech = await openWhatsAppPage(technician, false);
      await tech.page.getByTestId('whatsapp-status').getByText('Esperando escaneo del código QR').waitFor();
      expect(await tech.page.locator('img').count()).toBe(0);
      // What the technician's own session receives from the service while the QR is up.
      const body = await tech.page.evaluate(async () => (await fetch('/api/whatsapp/status')).text());
      expect(JSON.parse(body).state).toBe('qr');
      expect(body).not.toMatch(/"qr(Image)?":/);
      await tech.close();
    } finally {
      await api('/api/simulator/connection', { body: { state: 'ready' } });
    }
  });

  it('shows an admin the QR while linking', async () => {
    const { page, errors, close } = await openWhatsAppPage(shared.service.admin, true);
    const qr = page.getByRole('img', { name: 'Código QR para vincular WhatsApp' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toBe(FAKE_QR);
    expect(errors).toEqual([]);
    await close();
  });

  it('lets an admin unlink the number after a confirmation', async () => {
    const { page, errors, close } = await openWhatsAppPage(shared.service.admin, false);
    const status = page.getByTestId('whatsapp-status');
    await status.getByText('Conectado', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Desvincular número' }).click();
    const confirm = page.getByRole('alertdialog', { name: '¿Desvincular WhatsApp?' });
    await confirm.getByRole('button', { name: 'Cancelar' }).click();
    await confirm.waitFor({ state: 'detached' });
    await status.getByText('Conectado', { exact: true }).waitFor();

    await page.getByRole('button', { name: 'Desvincular número' }).click();
    await confirm.getByRole('button', { name: 'Sí, desvincular' }).click();
    await status.getByText('Desvinculado', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Vincular de nuevo' }).click();
    await status.getByText('Conectado', { exact: true }).waitFor();
    expect(errors).toEqual([]);
    await close();
  });
});
