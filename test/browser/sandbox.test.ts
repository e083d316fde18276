import { describe, expect, it } from 'vitest';
import { collectPageErrors, login, ONE_POLL_MS, useServiceAndBrowser } from './helpers.ts';

const shared = useServiceAndBrowser();

describe('the phone sandbox', () => {
  it('writes as an end user, and shows the technician reply that reached that phone', async () => {
    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    await page.getByRole('link', { name: 'Teléfono de prueba' }).click();
    await page.getByLabel('Teléfono del usuario').fill('+5214775550777');
    await page.getByLabel('Nombre', { exact: true }).fill('Marta');
    const phone = page.getByTestId('sandbox-phone');
    await phone.getByLabel('Mensaje del usuario').fill('La impresora no imprime');
    await phone.getByRole('button', { name: 'Enviar' }).click();
    await phone.getByTestId('phone-out').filter({ hasText: 'La impresora no imprime' }).waitFor();
    // The automatic acknowledgement names the new ticket: it reached this phone.
    await phone.getByTestId('phone-in').filter({ hasText: /abrimos el ticket TKT-[2-9A-HJ-NP-Z]{8}/ }).waitFor({ timeout: ONE_POLL_MS });

    await page.getByRole('link', { name: 'Tickets' }).click();
    const ticketRow = page.getByRole('row').filter({ hasText: 'Marta' });
    await ticketRow.getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('La impresora no imprime').waitFor();
    await dialog.getByRole('textbox', { name: 'Mensaje' }).fill('¿Qué modelo de impresora es?');
    await dialog.getByRole('textbox', { name: 'Mensaje' }).press('Enter');
    await dialog.getByTestId('chat-entry').filter({ hasText: '¿Qué modelo de impresora es?' }).waitFor();
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'Teléfono de prueba' }).click();
    await phone.getByTestId('phone-in').filter({ hasText: '¿Qué modelo de impresora es?' }).waitFor({ timeout: ONE_POLL_MS });
    expect(errors).toEqual([]);
    await context.close();
  });
});
