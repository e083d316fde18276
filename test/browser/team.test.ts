import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminClient, type Client } from '../support/service.ts';
import { collectPageErrors, createTechnician, createTicket, eventually, login, row, sentTo, useServiceAndBrowser } from './helpers.ts';

const PHONE = '+5214775550177';
const shared = useServiceAndBrowser();
let api: Client;
let ticket: { id: number; numero: string };
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  api = await adminClient(shared.service);
  await createTechnician(shared.service);
  ticket = await createTicket(api, { phone: PHONE, name: 'Rosa Luna', subject: 'No imprime', category: 'impresoras' });
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

describe('team work in the console', () => {
  it('an internal note is shown apart with its author and never reaches the phone', async () => {
    await login(page, shared.service);
    await row(page, ticket.id).getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog', { name: `Chat en Vivo · Ticket ${ticket.numero}` });
    await dialog.getByLabel(/Nota interna/).first().check();
    const box = dialog.getByRole('textbox', { name: 'Nota interna' });
    await box.fill('Tiene la impresora del piso 2');
    await box.press('Enter');
    const note = dialog.locator('[data-role="nota"]').filter({ hasText: 'Tiene la impresora del piso 2' });
    await note.waitFor();
    expect(await note.innerText()).toContain('Nota interna · Administrador');
    expect(await note.evaluate((el) => getComputedStyle(el).borderStyle)).toBe('dashed');
    expect(await sentTo(api, PHONE)).toEqual([]);
    const integration = await (await api(`/ticket/${ticket.id}/conversacion`)).json();
    expect(integration.historial).toEqual([]);
  });

  it('assigning from the chat writes a system line and the table filters follow', async () => {
    await login(page, shared.service);
    const ticketRow = row(page, ticket.id);
    await ticketRow.getByText('Sin asignar').waitFor();
    await ticketRow.getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog', { name: `Chat en Vivo · Ticket ${ticket.numero}` });
    await dialog.getByLabel('Asignado a').selectOption({ label: 'Ana Técnica' });
    await dialog.locator('[data-role="sistema"]').filter({ hasText: 'Administrador: Ticket asignado a Ana Técnica.' }).waitFor();
    await page.keyboard.press('Escape');
    await ticketRow.getByText('Asignado a Ana Técnica').waitFor();

    await page.getByLabel('Asignación').selectOption({ label: 'Sin asignar' });
    await ticketRow.waitFor({ state: 'detached' });
    await page.getByLabel('Asignación').selectOption({ label: 'Mis tickets' });
    expect(await row(page, ticket.id).count()).toBe(0);
    await page.getByLabel('Asignación').selectOption({ label: 'Todos' });
    await row(page, ticket.id).waitFor();
  });

  it('an admin adds a category; priority and category change from the row and the chat, and the table filters by category', async () => {
    await login(page, shared.service);
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Cuentas' }).click();
    const card = page.getByTestId('categories-card');
    await card.getByLabel('Nombre').fill('Telefonía');
    await card.getByRole('button', { name: 'Agregar categoría' }).click();
    await card.getByRole('listitem').filter({ hasText: 'telefonía' }).waitFor();
    await card.getByLabel('Nombre').fill('telefonía');
    await card.getByRole('button', { name: 'Agregar categoría' }).click();
    await card.getByRole('alert').filter({ hasText: 'ya existe' }).waitFor();

    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Tickets' }).click();
    const ticketRow = row(page, ticket.id);
    await ticketRow.getByLabel(`Prioridad · ticket ${ticket.numero}`).selectOption({ label: 'Urgente' });
    await eventually(async () => (await (await api(`/api/tickets/${ticket.id}`)).json()).priority === 'urgente', 'priority saved');
    await ticketRow.getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog', { name: `Chat en Vivo · Ticket ${ticket.numero}` });
    expect(await dialog.getByLabel('Prioridad').inputValue()).toBe('urgente');
    await dialog.getByLabel('Categoría').selectOption({ label: 'telefonía' });
    await eventually(async () => (await (await api(`/api/tickets/${ticket.id}`)).json()).category === 'telefonía', 'category saved');
    await page.keyboard.press('Escape');
    expect(await ticketRow.getByLabel(`Categoría · ticket ${ticket.numero}`).inputValue()).toBe('telefonía');

    await page.getByLabel('Categoría', { exact: true }).selectOption({ label: 'red' });
    await ticketRow.waitFor({ state: 'detached' });
    await page.getByLabel('Categoría', { exact: true }).selectOption({ label: 'telefonía' });
    await row(page, ticket.id).waitFor();
  });

  it('an admin adds a quick reply; typing / in the chat box opens a keyboard picker that inserts it, and Enter sends it', async () => {
    await login(page, shared.service);
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Cuentas' }).click();
    const card = page.getByTestId('quick-replies-card');
    await card.getByRole('button', { name: 'Nueva respuesta rápida' }).click();
    await card.getByLabel('Título').fill('Reinicio de módem');
    await card.getByLabel('Texto').fill('Por favor apaga el módem 30 segundos y vuelve a encenderlo.');
    await card.getByRole('button', { name: 'Guardar' }).click();
    await card.getByRole('cell', { name: 'Reinicio de módem', exact: true }).waitFor();

    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Tickets' }).click();
    await row(page, ticket.id).getByRole('button', { name: 'Chat en Vivo' }).click();
    const dialog = page.getByRole('dialog', { name: `Chat en Vivo · Ticket ${ticket.numero}` });
    const box = dialog.getByRole('textbox', { name: 'Mensaje' });
    await box.pressSequentially('Hola. /m');
    const picker = dialog.getByRole('listbox', { name: 'Respuestas rápidas' });
    await picker.waitFor();
    // "m" matches more than one reply; the title that starts with it comes first after narrowing.
    await box.pressSequentially('odem');
    expect(await picker.getByRole('option').allInnerTexts()).toEqual([expect.stringContaining('Reinicio de módem')]);
    await box.press('Escape'); // closes only the list
    await picker.waitFor({ state: 'detached' });
    expect(await dialog.isVisible()).toBe(true);
    await box.press('Backspace');
    await box.press('m');
    await picker.waitFor();
    await box.press('ArrowDown'); // wraps around the one option: still it
    await box.press('Enter');
    expect(await box.inputValue()).toBe('Hola. Por favor apaga el módem 30 segundos y vuelve a encenderlo.');
    await box.press('Enter');
    await eventually(async () => (await sentTo(api, PHONE)).some((sent) => sent.body.includes('apaga el módem')), 'the reply reached the phone');
  });
});
