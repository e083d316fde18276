import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminClient, type Client } from '../support/service.ts';
import { contrastOf, required, sample, type Part } from './contrast.ts';
import { collectPageErrors, createdAgo, createTechnician, createTicket, row, useServiceAndBrowser } from './helpers.ts';

// Both themes, reached both ways: the system's preference, and the Tema switch against it.
const THEMES = [
  { name: 'claro por el sistema', colorScheme: 'light', pick: null },
  { name: 'oscuro por el sistema', colorScheme: 'dark', pick: null },
  { name: 'oscuro por el switch', colorScheme: 'light', pick: 'Oscuro' },
  { name: 'claro por el switch', colorScheme: 'dark', pick: 'Claro' },
] as const;

const shared = useServiceAndBrowser({ env: { SLA_PRIMERA_RESPUESTA_MIN: 'urgente=0.02', AUTO_ACK: 'off' } });
let api: Client;
const tickets: Record<string, { id: number; numero: string; phone: string }> = {};

// The open urgent ticket (1.2 s target, created two minutes back) shows "Vencido" for real. "Aviso" is a narrow
// window in time, so the list the console reads is edited to show one (see showWarning).
beforeAll(async () => {
  api = await adminClient(shared.service);
  await createTechnician(shared.service);
  const statuses = [['open', 'urgente'], ['in_progress', 'media'], ['on_hold', 'alta'], ['resolved', 'baja'], ['closed', 'media']] as const;
  for (const [index, [status, priority]] of statuses.entries()) {
    const phone = `+52147700000${index}`;
    const ticket = await createTicket(api, { phone, name: `Usuario ${index}`, subject: `Estado ${status}`, priority });
    if (status !== 'open') await api(`/api/tickets/${ticket.id}`, { method: 'PATCH', body: { status } });
    tickets[status] = ticket;
  }
  const chat = await createTicket(api, {
    phone: '+5214770000099', name: 'Juan Pérez', subject: 'La laptop no enciende', priority: 'alta',
    historial: [{ role: 'user', content: 'Hola, no enciende' }, { role: 'assistant', content: '¿Qué número de activo tiene?' }],
  });
  tickets.chat = chat;
  // The list reads its clocks at the start of the minute: past 1.2 s already at that instant.
  createdAgo(shared.service, tickets.open.id, 2 * 60_000);
  await api(`/ticket/${chat.id}/enviar-mensaje`, { body: { mensaje: '¿El cargador prende su luz?' } });
  await api(`/ticket/${chat.id}/nota`, { body: { texto: 'Cargador prestado, pedir el nuevo' } });
  await api('/api/simulator/inbound', { body: { from: '+5214770000099', body: 'No prende', id: 'contraste-1' } });
  // Unread on a ticket no run opens, so every run sees the badge.
  await api('/api/simulator/inbound', { body: { from: tickets.open.phone, body: '¿Alguien?', id: 'contraste-2' } });
});

/** The list the console reads, with one ticket's first-response clock in its warning window. */
async function showWarning(page: Page) {
  await page.route(/\/api\/tickets(\?|$)/, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    for (const ticket of body.tickets ?? []) {
      if (ticket.id === tickets.in_progress.id && ticket.sla) ticket.sla.primera_respuesta = { ...ticket.sla.primera_respuesta, estado: 'aviso', restante_min: 12 };
    }
    await route.fulfill({ response, json: body });
  });
}

interface Check {
  what: string;
  target: Locator;
  part?: Part;
}

/** Each pair's ratio against its WCAG minimum; returns the ones that fall short, described. */
async function failing(checks: Check[]): Promise<string[]> {
  const failures: string[] = [];
  for (const { what, target, part = 'text' } of checks) {
    const measured = await sample(target.first(), part);
    const { ratio, foreground, background } = contrastOf(measured);
    const minimum = required(part, measured);
    if (ratio < minimum) {
      const rgb = (c: number[]) => `rgb(${c.slice(0, 3).map(Math.round).join(' ')})`;
      failures.push(`${what}: ${ratio.toFixed(2)} < ${minimum} (${rgb(foreground)} sobre ${rgb(background)})`);
    }
  }
  return failures;
}

/** Keyboard focus on `target` (Shift+Tab then Tab), so :focus-visible draws its outline. */
async function keyboardFocus(page: Page, target: Locator) {
  await target.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
}

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name }).click();

describe.each(THEMES)('contrast, $name', ({ colorScheme, pick }) => {
  it('every key text and UI part on every page reaches its WCAG ratio', async () => {
    const context = await shared.browser.newContext({ colorScheme, locale: 'es-MX', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await showWarning(page);
    const failures: string[] = [];

    // Login, with a refused password on screen.
    await page.goto(shared.service.url);
    if (pick) await page.getByLabel('Tema').selectOption({ label: pick });
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(colorScheme === 'dark');
    await page.getByLabel('Usuario').fill(shared.service.admin.username);
    await page.getByLabel('Contraseña').fill('no-es-la-clave');
    await page.getByRole('button', { name: 'Entrar' }).click();
    const refusal = page.locator('.banner--error');
    await refusal.waitFor();
    failures.push(...(await failing([
      { what: 'login: título', target: page.getByRole('heading', { name: 'Iniciar sesión' }) },
      { what: 'login: texto secundario', target: page.locator('.login__card > .muted') },
      { what: 'login: etiqueta', target: page.getByText('Usuario', { exact: true }) },
      { what: 'login: error', target: refusal },
      { what: 'login: botón', target: page.getByRole('button', { name: 'Entrar' }) },
      { what: 'login: borde del campo', target: page.getByLabel('Usuario'), part: 'border' },
    ])));
    await keyboardFocus(page, page.getByLabel('Contraseña'));
    failures.push(...(await failing([{ what: 'login: contorno de foco', target: page.getByLabel('Contraseña'), part: 'outline' }])));
    await page.getByLabel('Contraseña').fill(shared.service.admin.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();

    // The table: rows, every status and priority, both SLA alarms, the unread badge, the actions.
    const chatRow = row(page, tickets.chat.id);
    await row(page, tickets.open.id).locator('.sla--vencido').waitFor();
    await row(page, tickets.in_progress.id).locator('.sla--aviso').waitFor();
    const unread = row(page, tickets.open.id).locator('.count');
    await unread.waitFor();
    const priorityOf = (status: string) => row(page, tickets[status].id).getByLabel(/^Prioridad/);
    failures.push(...(await failing([
      { what: 'tabla: título', target: page.getByRole('heading', { name: 'Tickets', level: 1 }) },
      { what: 'tabla: encabezado', target: page.getByRole('columnheader', { name: 'Usuario' }) },
      { what: 'tabla: número', target: chatRow.locator('.cell--number') },
      { what: 'tabla: nombre', target: chatRow.locator('.cell__main') },
      { what: 'tabla: teléfono', target: chatRow.locator('.cell__sub') },
      { what: 'tabla: sin leer', target: unread },
      { what: 'tabla: 0 sin leer', target: row(page, tickets.closed.id).locator('.cell--unread .muted') },
      ...['open', 'in_progress', 'on_hold', 'resolved', 'closed'].map((status) => ({
        what: `estado ${status}`, target: row(page, tickets[status].id).locator('.pill'),
      })),
      { what: 'prioridad baja', target: priorityOf('resolved') },
      { what: 'prioridad media', target: priorityOf('in_progress') },
      { what: 'prioridad alta', target: priorityOf('on_hold') },
      { what: 'prioridad urgente', target: priorityOf('open') },
      { what: 'SLA vencido', target: row(page, tickets.open.id).locator('.sla--vencido') },
      { what: 'SLA aviso', target: row(page, tickets.in_progress.id).locator('.sla--aviso') },
      { what: 'SLA normal', target: chatRow.getByTestId('sla-resolucion') },
      { what: 'botón Chat en Vivo', target: chatRow.getByRole('button', { name: /^Chat en Vivo/ }) },
      { what: 'botón Historial', target: chatRow.getByRole('button', { name: /^Historial/ }) },
      { what: 'botón Notificar', target: chatRow.getByRole('button', { name: /^Notificar/ }) },
      { what: 'barra: enlace', target: page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Estadísticas' }) },
      { what: 'barra: botón', target: page.getByRole('button', { name: 'Mi cuenta' }) },
      { what: 'barra: tema', target: page.getByRole('banner').getByLabel('Tema') },
      { what: 'barra: equipo en línea', target: page.getByRole('banner').locator('.team-online') },
      { what: 'barra: punto en línea', target: page.getByRole('banner').locator('.presence-dot--on'), part: 'fill' },
      { what: 'filtro: borde', target: page.getByLabel('Asignación'), part: 'border' },
    ])));
    await keyboardFocus(page, chatRow.getByRole('button', { name: /^Historial/ }));
    failures.push(...(await failing([{ what: 'tabla: contorno de foco', target: chatRow.getByRole('button', { name: /^Historial/ }), part: 'outline' }])));

    // Notificar: choices, their muted text, the disabled Continuar.
    await chatRow.getByRole('button', { name: /^Notificar/ }).click();
    const notify = page.getByTestId('notify-dialog');
    await notify.locator('.choice').first().waitFor();
    failures.push(...(await failing([
      { what: 'notificar: título', target: notify.getByRole('heading') },
      { what: 'notificar: subtítulo', target: notify.locator('.modal__subtitle') },
      { what: 'notificar: opción', target: notify.locator('.choice strong') },
      { what: 'notificar: texto de la opción', target: notify.locator('.choice__text') },
      { what: 'notificar: botón desactivado', target: notify.getByRole('button', { name: 'Continuar' }) },
    ])));
    await page.keyboard.press('Escape');

    // The chat: every kind of bubble, the internal note, the composer and its / picker.
    await chatRow.getByRole('button', { name: /^Chat en Vivo/ }).click();
    const chat = page.getByRole('dialog', { name: `Chat en Vivo · Ticket ${tickets.chat.numero}` });
    await chat.getByText('No prende').waitFor();
    const bubble = (role: string) => chat.locator(`[data-role="${role}"]`);
    const box = chat.getByRole('textbox', { name: 'Mensaje' });
    await box.pressSequentially('/');
    await chat.getByRole('listbox', { name: 'Respuestas rápidas' }).waitFor();
    failures.push(...(await failing([
      { what: 'chat: usuario', target: bubble('user').locator('.bubble__text') },
      { what: 'chat: asistente', target: bubble('assistant').locator('.bubble__text') },
      { what: 'chat: técnico', target: bubble('tecnico').locator('.bubble__text') },
      { what: 'chat: hora en burbuja', target: bubble('tecnico').locator('time') },
      { what: 'chat: nota', target: bubble('nota').locator('.bubble__text') },
      { what: 'chat: autor de la nota', target: bubble('nota').locator('.bubble__who') },
      { what: 'chat: estado de entrega', target: bubble('tecnico').getByTestId('delivery-state') },
      { what: 'chat: respuesta rápida', target: chat.locator('.slash-picker__option').first() },
      { what: 'chat: texto de respuesta rápida', target: chat.locator('.slash-picker__text').first() },
      { what: 'chat: ayuda del cuadro', target: chat.locator('.composer__hint') },
      { what: 'chat: borde del cuadro', target: box, part: 'border' },
    ])));
    await box.press('Escape');
    await box.fill('');
    await keyboardFocus(page, box);
    failures.push(...(await failing([{ what: 'chat: contorno de foco', target: box, part: 'outline' }])));
    await page.keyboard.press('Escape');
    await chat.waitFor({ state: 'detached' });

    // Estadísticas: figures, a chart's bars against their track, the per-technician table.
    await nav(page, 'Estadísticas');
    const figures = page.getByTestId('stats-figures');
    await figures.locator('dd').first().waitFor();
    const bar = page.locator('.bars__bar').first();
    await bar.waitFor();
    failures.push(...(await failing([
      { what: 'estadísticas: cifra', target: figures.locator('dd') },
      { what: 'estadísticas: rótulo', target: figures.locator('dt') },
      { what: 'estadísticas: vencidos', target: page.locator('.stats__figure--breach dd') },
      { what: 'estadísticas: etiqueta de barra', target: page.locator('.bars__label') },
      { what: 'estadísticas: barra', target: bar, part: 'fill' },
    ])));

    // WhatsApp page.
    await nav(page, 'WhatsApp');
    const status = page.getByTestId('whatsapp-status');
    await status.locator('.facts dt').first().waitFor();
    failures.push(...(await failing([
      { what: 'whatsapp: estado', target: status.locator('.link-state') },
      { what: 'whatsapp: dato', target: status.locator('.facts dt') },
      { what: 'whatsapp: valor', target: status.locator('.facts dd') },
      { what: 'whatsapp: texto secundario', target: page.getByTestId('media-storage') },
    ])));

    // Cuentas: tables, the light buttons, chips.
    await nav(page, 'Cuentas');
    const users = page.getByTestId('users-table');
    await users.getByRole('cell').first().waitFor();
    failures.push(...(await failing([
      { what: 'cuentas: celda', target: users.getByRole('cell').first() },
      { what: 'cuentas: botón claro', target: page.getByRole('button', { name: /^Restablecer/ }) },
      { what: 'cuentas: categoría', target: page.locator('.chip') },
      { what: 'cuentas: respuestas rápidas', target: page.getByTestId('quick-replies-card').getByRole('cell').first() },
    ])));

    expect(failures).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the contrast check itself', () => {
  it('catches a pair that is too faint', async () => {
    const context = await shared.browser.newContext({ colorScheme: 'light' });
    const page = await context.newPage();
    await page.goto(shared.service.url);
    await page.getByRole('heading', { name: 'Iniciar sesión' }).waitFor();
    await page.addStyleTag({ content: '.login__card > .muted { color: #a3adba; }' });
    const failures = await failing([{ what: 'texto secundario desvaído', target: page.locator('.login__card > .muted') }]);
    expect(failures).toEqual([expect.stringMatching(/^texto secundario desvaído: 2\.\d\d < 4\.5 \(rgb\(163 173 186\) sobre rgb\(255 255 255\)\)$/)]);
    await context.close();
  });
});
