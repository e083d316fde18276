import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectPageErrors, login, useServiceAndBrowser } from './helpers.ts';

const shared = useServiceAndBrowser();

const LIGHT_BG = 'rgb(241, 245, 249)';
const DARK_BG = 'rgb(11, 18, 32)';
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body.parentElement!).backgroundColor);
const tema = (page: Page) => page.getByRole('banner').getByLabel('Tema');

describe('dark mode', () => {
  it('follows the system until the Tema switch pins a theme, which the browser remembers', async () => {
    const context = await shared.browser.newContext({ colorScheme: 'dark', locale: 'es-MX' });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    expect(await tema(page).inputValue()).toBe('sistema');
    expect(await background(page)).toBe(DARK_BG);

    await tema(page).selectOption({ label: 'Claro' });
    expect(await background(page)).toBe(LIGHT_BG);
    await page.reload();
    await page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
    expect(await tema(page).inputValue()).toBe('claro');
    expect(await background(page)).toBe(LIGHT_BG);

    // Sistema follows the system live, without a reload.
    await tema(page).selectOption({ label: 'Sistema' });
    expect(await background(page)).toBe(DARK_BG);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background(page)).toBe(LIGHT_BG);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('applies a pinned Oscuro before the console script runs: no white first paint', async () => {
    const context = await shared.browser.newContext({ colorScheme: 'light', locale: 'es-MX' });
    const page = await context.newPage();
    await page.goto(shared.service.url);
    await page.getByLabel('Tema').selectOption({ label: 'Oscuro' });
    expect(await background(page)).toBe(DARK_BG);

    // Without the console's own script (held back here), only <head> can have set the theme.
    await page.route('**/assets/*.js', (route) => route.abort());
    await page.reload();
    expect(await page.locator('#app').innerHTML()).toBe('');
    expect(await page.evaluate(() => document.documentElement.dataset.tema)).toBe('oscuro');
    expect(await background(page)).toBe(DARK_BG);
    await context.close();
  });
});
