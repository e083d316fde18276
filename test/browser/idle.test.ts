import { describe, expect, it } from 'vitest';
import { collectPageErrors, login, useServiceAndBrowser } from './helpers.ts';

// One minute of idle limit: the warning ("a minute before") is due at once.
const shared = useServiceAndBrowser({ env: { SESSION_IDLE_MINUTES: '1' } });

describe('the idle timeout', () => {
  it('warns with "Seguir conectado", which tells the server; unanswered, it signs out and says why', { timeout: 120_000 }, async () => {
    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    const warning = page.getByRole('alertdialog', { name: '¿Sigues ahí?' });
    await warning.getByText(/tu sesión se cerrará en \d+ s/).waitFor();

    const renewed = page.waitForResponse((response) => response.url().endsWith('/api/auth/renovar'));
    await warning.getByRole('button', { name: 'Seguir conectado' }).click();
    expect((await renewed).status()).toBe(204);

    // Nobody at the keyboard for the whole minute: back to the login, with the reason.
    await page.getByText('Tu sesión se cerró por inactividad.').waitFor({ timeout: 90_000 });
    await page.getByRole('button', { name: 'Entrar' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
