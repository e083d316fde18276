import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminClient, type Client } from '../support/service.ts';
import { collectPageErrors, createTicket, eventually, focused, login, ONE_POLL_MS, row, sentTo, useServiceAndBrowser } from './helpers.ts';

const PHONE = '+5214775550101';
const shared = useServiceAndBrowser();
let api: Client;
let ticketId: number;
let numero: string;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  api = await adminClient(shared.service);
  const ticket = await createTicket(api, {
    phone: PHONE,
    name: 'Juan Pérez',
    subject: 'La laptop no enciende',
    historial: [
      { role: 'user', content: 'Mi laptop no enciende' },
      { role: 'assistant', content: '¿Cuál es el número de activo del equipo?' },
    ],
  });
  ticketId = ticket.id;
  numero = ticket.numero;
});

beforeEach(async () => {
  context = await shared.browser.newContext({ locale: 'es-MX' });
  page = await context.newPage();
  pageErrors = collectPageErrors(page);
});
afterEach(async () => {
  await context.close();
  expect(pageErrors).toEqual([]);
});

describe('the ticket console', () => {
  it('logs in, lists the ticket in Spanish and keeps the session across a reload', async () => {
    await login(page, shared.service);
    const ticketRow = row(page, ticketId);
    await ticketRow.getByText('Juan Pérez').waitFor();
    expect(await ticketRow.innerText()).toContain(PHONE);
    expect(await ticketRow.getByText('Abierto').count()).toBe(1);
    expect(await page.getByRole('table').count()).toBe(1);

    await page.reload();
    await row(page, ticketId).waitFor();
    expect(await page.getByLabel('Contraseña').count()).toBe(0);
  });

  it('Chat en Vivo: Enter sends, the reply arrives by polling with the WebSocket closed, Esc closes', async () => {
    // Only polling can bring the reply: every /api/live socket is closed at once.
    await page.routeWebSocket(/\/api\/live$/, (socket) => socket.close());
    await login(page, shared.service);
    await row(page, ticketId).getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog', { name: `Chat en Vivo · Ticket ${numero}` });
    await dialog.getByText('Mi laptop no enciende').waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await dialog.innerText()).toContain('Juan Pérez');

    const box = dialog.getByRole('textbox', { name: 'Mensaje' });
    expect(await focused(page)).toMatch(/^textarea/);
    await box.pressSequentially('línea 1');
    await box.press('Shift+Enter');
    await box.pressSequentially('línea 2');
    expect(await box.inputValue()).toBe('línea 1\nlínea 2');
    await box.fill('');

    const reply = 'Hola Juan, ¿ya probaste con otro cargador? 🔌';
    await box.fill(reply);
    await box.press('Enter');
    const mine = dialog.getByTestId('chat-entry').filter({ hasText: reply });
    await mine.waitFor();
    expect(await box.inputValue()).toBe('');
    await eventually(async () => (await sentTo(api, PHONE)).some((record) => record.body === reply), 'the reply on the phone');
    await mine.getByTestId('delivery-state').filter({ hasText: /Enviado|Entregado|Leído/ }).waitFor();

    const answer = 'Ya lo probé y sigue sin encender';
    const inbound = await api('/api/simulator/inbound', { body: { from: PHONE, body: answer, id: 'wa-prueba-1' } });
    expect(inbound.status).toBe(202);
    await dialog.getByTestId('chat-entry').filter({ hasText: answer }).waitFor({ timeout: ONE_POLL_MS });

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(page)).toBe(`button|Chat en Vivo · ticket ${numero}`);
  });

  it('while WhatsApp is down a reply is kept, said so in Spanish, and goes out when it is back', async () => {
    await api('/api/simulator/connection', { body: { state: 'disconnected' } });
    try {
      await login(page, shared.service);
      await row(page, ticketId).getByRole('button', { name: 'Chat en Vivo' }).click();
      const dialog = page.getByRole('dialog');
      const box = dialog.getByRole('textbox', { name: 'Mensaje' });
      const text = 'Te escribo cuando vuelva la conexión';
      await box.fill(text);
      await box.press('Enter');
      await dialog.getByTestId('chat-notice').getByText(/quedó guardado y se enviará automáticamente/).waitFor();
      expect(await box.inputValue()).toBe('');
      const bubble = dialog.getByTestId('chat-entry').filter({ hasText: text });
      await bubble.getByTestId('delivery-state').getByText('En cola').waitFor();
      await api('/api/simulator/connection', { body: { state: 'ready' } });
      await bubble.getByTestId('delivery-state').filter({ hasText: /Enviado|Entregado/ }).waitFor({ timeout: 15_000 });
    } finally {
      await api('/api/simulator/connection', { body: { state: 'ready' } });
    }
  });

  it('a reply to a number without WhatsApp shows Falló with the reason, and Reenviar sends it', async () => {
    await api('/api/simulator/numbers', { body: { phone: PHONE, whatsapp: false } });
    try {
      await login(page, shared.service);
      await row(page, ticketId).getByRole('button', { name: 'Chat en Vivo' }).click();
      const dialog = page.getByRole('dialog');
      const text = 'Este mensaje no pudo salir';
      await dialog.getByRole('textbox', { name: 'Mensaje' }).fill(text);
      await dialog.getByRole('textbox', { name: 'Mensaje' }).press('Enter');
      const bubble = dialog.getByTestId('chat-entry').filter({ hasText: text });
      await bubble.getByTestId('delivery-state').getByText('Falló').waitFor();
      expect(await bubble.innerText()).toContain('el número no tiene WhatsApp');
      expect((await sentTo(api, PHONE)).some((record) => record.body === text)).toBe(false);

      await api('/api/simulator/numbers', { body: { phone: PHONE, whatsapp: true } });
      await bubble.getByRole('button', { name: 'Reenviar' }).click();
      await bubble.getByTestId('delivery-state').filter({ hasText: /Enviado|Entregado/ }).waitFor({ timeout: 15_000 });
      expect((await sentTo(api, PHONE)).filter((record) => record.body === text)).toHaveLength(1);
    } finally {
      await api('/api/simulator/numbers', { body: { phone: PHONE, whatsapp: true } });
    }
  });

  it('Tab stays inside the chat dialog', async () => {
    await login(page, shared.service);
    await row(page, ticketId).getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('chat-messages').waitFor();
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    }
  });

  it('Historial shows the conversation read-only', async () => {
    await login(page, shared.service);
    await row(page, ticketId).getByRole('button', { name: 'Historial' }).click();
    const dialog = page.getByRole('dialog', { name: `Historial · Ticket ${numero}` });
    await dialog.getByText('Mi laptop no enciende').waitFor();
    expect(await dialog.getByRole('textbox').count()).toBe(0);
    expect(await dialog.getByRole('button', { name: 'Enviar' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('Notificar sends the chosen predefined message after a confirmation', async () => {
    const plantillas = (await (await api('/api/plantillas')).json()).plantillas as { titulo: string; texto: string }[];
    const chosen = plantillas[0];
    await login(page, shared.service);
    await row(page, ticketId).getByRole('button', { name: 'Notificar' }).click();
    const picker = page.getByRole('dialog', { name: `Notificar · Ticket ${numero}` });
    await picker.getByRole('radio', { name: chosen.titulo }).check();
    await picker.getByRole('button', { name: 'Continuar' }).click();
    const confirm = page.getByRole('alertdialog', { name: `¿Enviar «${chosen.titulo}»?` });
    await confirm.getByText(chosen.texto).waitFor();
    await confirm.getByRole('button', { name: 'Sí, enviar' }).click();
    await page.getByTestId('toasts').getByText(`Notificación «${chosen.titulo}» enviada`).waitFor();
    await eventually(async () => (await sentTo(api, PHONE)).some((record) => record.body === chosen.texto), 'the notification');
    expect(await focused(page)).toBe(`button|Notificar · ticket ${numero}`);
  });

  it('new tickets and new messages appear without a reload', async () => {
    await login(page, shared.service);
    await row(page, ticketId).waitFor();
    const from = '+5214775550199';
    await api('/api/simulator/inbound', { body: { from, body: 'Hola, no tengo internet', name: 'Lucía' } });
    const lucia = page.getByRole('row').filter({ hasText: 'Lucía' });
    await lucia.getByText('no tengo internet').waitFor({ timeout: ONE_POLL_MS });
    await lucia.getByTestId('unread').getByText('1', { exact: true }).waitFor();
    await api('/api/simulator/inbound', { body: { from, body: '¿Me ayudan?' } });
    await lucia.getByTestId('unread').getByText('2', { exact: true }).waitFor({ timeout: ONE_POLL_MS });
  });

  it('an expired session returns to the login page with a message', async () => {
    await login(page, shared.service);
    await row(page, ticketId).waitFor();
    await context.clearCookies();
    await page.getByText('Tu sesión expiró, vuelve a iniciar sesión').waitFor({ timeout: ONE_POLL_MS });
    await page.getByLabel('Contraseña').waitFor();
  });
});
