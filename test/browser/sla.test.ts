import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { adminClient } from '../support/service.ts';
import { collectPageErrors, createdAgo, createTicket, eventually, login, row, useServiceAndBrowser } from './helpers.ts';

// Urgent tickets get a first-response target of 1.2 s (one is moved two minutes into the past);
// a low-priority ticket keeps the default 8 h. The satisfaction survey is on.
const shared = useServiceAndBrowser({ env: { SLA_PRIMERA_RESPUESTA_MIN: 'urgente=0.02', AUTO_ACK: 'off', CSAT: 'on' } });

const RED = 'rgb(254, 226, 226)';
const AMBER = 'rgb(254, 243, 199)';

describe('SLA clocks in the console', () => {
  it('a breached ticket reads "Vencido" on red in the table, a fresh one its time left, and Estadísticas counts the breach', async () => {
    const api = await adminClient(shared.service);
    const late = await createTicket(api, { phone: '+5214771111111', subject: 'Servidor caído', priority: 'urgente' });
    const fresh = await createTicket(api, { phone: '+5214772222222', subject: 'Duda', priority: 'baja' });
    // The list reads its clocks at the start of the minute (so an unchanged poll can answer 304):
    // created two minutes ago, the 1.2 s target is already past at that instant.
    createdAgo(shared.service, late.id, 2 * 60_000);
    await eventually(async () => {
      const { tickets } = await (await api('/api/tickets')).json();
      return tickets.find((t: { id: number }) => t.id === late.id)?.sla.primera_respuesta.estado === 'vencido';
    }, 'the urgent ticket to fall due');

    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    expect(await page.getByRole('columnheader', { name: 'SLA' }).count()).toBe(1);

    const breached = row(page, late.id).getByTestId('sla-respuesta');
    await breached.getByText(/Vencido/).waitFor();
    expect(await breached.textContent()).toMatch(/^1\.ª respuesta: Vencido/);
    expect(await breached.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(RED);

    const onTime = row(page, fresh.id).getByTestId('sla-respuesta');
    expect(await onTime.textContent()).toMatch(/^1\.ª respuesta: Quedan (8 h|7 h 5\d min)$/);
    expect(await onTime.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(RED);
    expect(await row(page, fresh.id).getByTestId('sla-resolucion').textContent()).toMatch(/^Resolución: Quedan (3 d|2 d 23 h)$/);

    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Estadísticas' }).click();
    const figures = page.getByTestId('stats-figures');
    await figures.getByText('SLA vencido: 1.ª respuesta').waitFor();
    expect(await figures.textContent()).toContain('SLA vencido: 1.ª respuesta1');
    expect(await figures.textContent()).toContain('SLA vencido: resolución0');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('SLA warning and the rating in the console', () => {
  it('a ticket with under a quarter of its time left reads "Aviso" on amber, not by colour alone', async () => {
    const api = await adminClient(shared.service);
    const close = await createTicket(api, { phone: '+5214776666666', subject: 'Correo lento', priority: 'baja' });
    createdAgo(shared.service, close.id, 7 * 3_600_000); // 7 of its 8 hours spent
    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    const clock = row(page, close.id).getByTestId('sla-respuesta');
    await clock.getByText(/Aviso/).waitFor();
    expect(await clock.textContent()).toMatch(/^1\.ª respuesta: Aviso · quedan (1 h|5\d min)$/);
    expect(await clock.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(AMBER);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("the chat header shows the end user's CSAT answer, sent through the simulator", async () => {
    const api = await adminClient(shared.service);
    const phone = '+5214777777777';
    const ticket = await createTicket(api, { phone, subject: 'Impresora', priority: 'baja' });
    expect((await api(`/api/tickets/${ticket.id}`, { method: 'PATCH', body: { status: 'resolved' } })).status).toBe(200);
    await eventually(async () => (await (await api('/api/simulator/sent')).json()).some((sent: { to: string }) => sent.to.endsWith('4777777777')), 'the survey question');
    expect(await (await api('/api/simulator/inbound', { method: 'POST', body: { from: phone, body: '4' } })).json()).toEqual({ outcome: 'filed' });

    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    await row(page, ticket.id).getByRole('button', { name: 'Chat en Vivo' }).click();
    const rating = page.getByRole('dialog').getByTestId('rating');
    await rating.waitFor();
    expect(await rating.textContent()).toContain('Valoración: 4 de 5');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('export links', () => {
  it('carry the table\'s filters: the CSV holds only the rows the table shows', async () => {
    const api = await adminClient(shared.service);
    const wanted = await createTicket(api, { phone: '+5214773333333', subject: 'Impresora atorada', priority: 'alta' });
    await createTicket(api, { phone: '+5214774444444', subject: 'Impresora sin tóner', priority: 'media' });
    await createTicket(api, { phone: '+5214775555555', subject: 'Monitor parpadea', priority: 'alta' });

    const context = await shared.browser.newContext();
    const page = await context.newPage();
    await login(page, shared.service);
    await page.getByLabel('Prioridad', { exact: true }).selectOption('alta');
    await page.getByLabel('Buscar').fill('impresora');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="ticket-row-"]').length === 1);
    expect(await row(page, wanted.id).count()).toBe(1);

    const href = await page.getByTestId('export-links').getByRole('link', { name: 'CSV' }).getAttribute('href');
    const response = await context.request.get(`${shared.service.url}${href}`);
    expect(response.status()).toBe(200);
    const rows = parse(await response.body(), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.id, r.asunto, r.prioridad])).toEqual([[String(wanted.id), 'Impresora atorada', 'alta']]);

    // The Estadísticas page exports the same filtered list.
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Estadísticas' }).click();
    const statsHref = await page.getByTestId('export-links').getByRole('link', { name: 'Excel' }).getAttribute('href');
    expect(new URL(statsHref!, shared.service.url).searchParams.get('priority')).toBe('alta');
    expect(new URL(statsHref!, shared.service.url).searchParams.get('q')).toBe('impresora');
    await context.close();
  });
});
