import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type Client } from '../support/service.ts';
import { collectPageErrors, createTechnician, createTicket, login, row, useServiceAndBrowser } from './helpers.ts';

const TITLE = 'Puente · Consola de soporte';
const shared = useServiceAndBrowser();
let api: Client;
let technician: { username: string; password: string };
const contexts: BrowserContext[] = [];
const errors: string[][] = [];

beforeAll(async () => {
  api = await adminClient(shared.service);
  technician = await createTechnician(shared.service);
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  for (const list of errors.splice(0)) expect(list).toEqual([]);
});

/**
 * A signed-in console whose Notification API records instead of showing (headless Chromium shows
 * nothing) and whose beeps are counted; the permission starts undecided, as on a first visit.
 */
async function consolePage(credentials = shared.service.admin): Promise<Page> {
  const context = await shared.browser.newContext({ locale: 'es-MX' });
  contexts.push(context);
  await context.addInitScript(() => {
    const record = window as unknown as { shown: { title: string; body?: string }[]; asked: number; beeps: number };
    record.shown = [];
    record.asked = 0;
    record.beeps = 0;
    class Recorder {
      static permission: NotificationPermission = 'default';
      static async requestPermission() {
        record.asked++;
        Recorder.permission = 'granted';
        return Recorder.permission;
      }
      constructor(title: string, options: NotificationOptions = {}) {
        record.shown.push({ title, body: options.body });
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorder, configurable: true });
    const createOscillator = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      record.beeps++;
      return createOscillator.call(this);
    };
  });
  const page = await context.newPage();
  errors.push(collectPageErrors(page));
  await login(page, shared.service, credentials);
  return page;
}

const recorded = (page: Page) =>
  page.evaluate(() => {
    const record = window as unknown as { shown: { title: string; body?: string }[]; asked: number; beeps: number };
    return { shown: record.shown, asked: record.asked, beeps: record.beeps };
  });

const inbound = async (from: string, body: string, name?: string) => {
  const response = await api('/api/simulator/inbound', { body: { from, body, name } });
  expect(response.status).toBe(202);
};

describe('alerts on new end-user messages', () => {
  it('counts unread in the tab title, lowers it on reading, and notifies with a beep once switched on', async () => {
    const page = await consolePage();
    expect(await page.title()).toBe(TITLE);
    // Switched off: nothing is asked or shown.
    await inbound('+5214775550301', 'no tengo red', 'Rosa Luna');
    await page.waitForFunction((title) => document.title === `(1) ${title}`, TITLE);
    expect(await recorded(page)).toEqual({ shown: [], asked: 0, beeps: 0 });

    // The switch asks for the permission on the click, then each new message notifies.
    await page.getByRole('button', { name: 'Activar avisos' }).click();
    await page.getByRole('button', { name: 'Avisos activados' }).waitFor();
    expect((await recorded(page)).asked).toBe(1);
    await inbound('+5214775550301', 'sigue sin red');
    await page.waitForFunction((title) => document.title === `(2) ${title}`, TITLE);
    await page.waitForFunction(() => (window as unknown as { shown: unknown[] }).shown.length === 1);
    const after = await recorded(page);
    expect(after.shown).toEqual([{ title: 'Nuevo mensaje de Rosa Luna', body: 'sigue sin red' }]);
    expect(after.beeps).toBe(1);

    // Reading the chat lowers the count; a message in the chat being read raises nothing.
    const [ticket] = (await (await api('/api/tickets?q=%2B5214775550301')).json()).tickets;
    await row(page, ticket.id).getByRole('button', { name: 'Chat en Vivo' }).click();
    await page.waitForFunction((title) => document.title === title, TITLE);
    await inbound('+5214775550301', 'ya la veo aquí');
    await page.getByRole('dialog').getByText('ya la veo aquí').waitFor();
    await page.waitForTimeout(500);
    expect(await page.title()).toBe(TITLE);
    expect((await recorded(page)).shown).toHaveLength(1);

    // Remembered in this browser: a reload keeps alerts on.
    await page.keyboard.press('Escape');
    await page.reload();
    await page.getByRole('button', { name: 'Avisos activados' }).waitFor();
  });
});

describe('presence', () => {
  it('shows who of the team has a console open, and drops them when it closes', async () => {
    const admin = await consolePage();
    const header = admin.getByTestId('equipo-en-linea');
    const label = () => header.getAttribute('aria-label');
    await admin.waitForFunction(() => document.querySelector('[data-testid="equipo-en-linea"]')?.getAttribute('aria-label') === 'En línea: Administrador');
    expect(await header.innerText()).toContain('1');
    const tech = await consolePage(technician);
    await admin.waitForFunction(() => document.querySelector('[data-testid="equipo-en-linea"]')?.getAttribute('aria-label') === 'En línea: Administrador, Ana Técnica');
    expect(await header.innerText()).toContain('2');
    await tech.context().close();
    contexts.splice(contexts.indexOf(tech.context()), 1);
    await admin.waitForFunction(() => document.querySelector('[data-testid="equipo-en-linea"]')?.getAttribute('aria-label') === 'En línea: Administrador');
    expect(await label()).toBe('En línea: Administrador');
  });
});

describe('Tickets anteriores', () => {
  it("opens an earlier ticket of the same line read-only beside the chat, which stays open and usable", async () => {
    const phone = '+5214775550302';
    const earlier = await createTicket(api, {
      phone,
      name: 'Luis Paz',
      subject: 'Impresora atascada',
      historial: [{ role: 'user', content: 'la impresora se atasca' }, { role: 'tecnico', content: 'cambie el rodillo' }],
    });
    expect((await api(`/api/tickets/${earlier.id}`, { method: 'PATCH', body: { status: 'closed' } })).status).toBe(200);
    const current = await createTicket(api, { phone, name: 'Luis Paz', subject: 'Sin correo' });

    const page = await consolePage();
    await row(page, current.id).getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog', { name: `Chat en Vivo · Ticket ${current.numero}` });
    await dialog.getByRole('button', { name: 'Tickets anteriores' }).click();
    const panel = dialog.getByTestId('line-history');
    await panel.getByRole('button', { name: new RegExp(earlier.numero) }).click();
    const conversation = panel.getByRole('list', { name: `Conversación del ticket ${earlier.numero}` });
    await conversation.getByText('la impresora se atasca').waitFor();
    await conversation.getByText('cambie el rodillo').waitFor();
    // Read-only: nothing to write or resend inside the earlier ticket.
    expect(await panel.getByRole('textbox').count()).toBe(0);
    expect(await panel.getByRole('button', { name: /Reenviar/ }).count()).toBe(0);

    // The chat of the current ticket is still open and still sends.
    const box = dialog.getByRole('textbox', { name: 'Mensaje' });
    await box.fill('¿Ya revisó el correo?');
    await box.press('Enter');
    await dialog.locator('.messages').first().getByText('¿Ya revisó el correo?').waitFor();
    await panel.getByRole('button', { name: '← Todos los anteriores' }).click();
    await panel.getByRole('button', { name: new RegExp(earlier.numero) }).waitFor();
    expect(await panel.getByRole('button', { name: new RegExp(current.numero) }).count()).toBe(0);
  });
});
