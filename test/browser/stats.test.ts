import { describe, expect, it } from 'vitest';
import { adminClient } from '../support/service.ts';
import { collectPageErrors, createTechnician, createTicket, login, useServiceAndBrowser } from './helpers.ts';

const shared = useServiceAndBrowser();

describe('the Estadísticas page', () => {
  it('shows the period figures as charts with tables beneath, follows a new period, and technicians see it too', async () => {
    const api = await adminClient(shared.service);
    const first = await createTicket(api, { phone: '+5214771111111', subject: 'Impresora', priority: 'alta' });
    await createTicket(api, { phone: '+5214772222222', subject: 'Correo', priority: 'alta' });
    await createTicket(api, { phone: '+5214773333333', subject: 'VPN', priority: 'urgente' });
    await api(`/api/tickets/${first.id}`, { method: 'PATCH', body: { status: 'resolved' } });
    const technician = await createTechnician(shared.service);

    const context = await shared.browser.newContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await login(page, shared.service);
    await page.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Estadísticas' }).click();
    await page.getByRole('heading', { name: 'Estadísticas', level: 1 }).waitFor();

    const figures = page.getByTestId('stats-figures');
    await figures.getByText('Tickets').waitFor();
    expect(await figures.textContent()).toContain('Tickets3');
    // The screen-reader table under each chart carries the same numbers.
    const byStatus = page.getByRole('table', { name: 'Por estado' });
    expect(await byStatus.getByRole('row', { name: 'Abierto' }).getByRole('cell').textContent()).toBe('2');
    expect(await byStatus.getByRole('row', { name: 'Resuelto' }).getByRole('cell').textContent()).toBe('1');
    const byPriority = page.getByRole('table', { name: 'Por prioridad' });
    expect(await byPriority.getByRole('row', { name: 'Alta' }).getByRole('cell').textContent()).toBe('2');
    expect(await byPriority.getByRole('row', { name: 'Urgente' }).getByRole('cell').textContent()).toBe('1');
    expect(await page.getByTestId('stats-technicians').getByRole('row', { name: /Ana Técnica/ }).count()).toBe(1);

    // A period before any ticket: the figures follow it.
    await page.getByLabel('Desde').fill('2020-01-01');
    await page.getByLabel('Hasta').fill('2020-01-31');
    await page.getByRole('button', { name: 'Ver periodo' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="stats-figures"]')?.textContent?.includes('Tickets0'));
    expect(await page.getByRole('table', { name: 'Por estado' }).getByRole('row', { name: 'Abierto' }).getByRole('cell').textContent()).toBe('0');
    expect(errors).toEqual([]);
    await context.close();

    const other = await shared.browser.newContext();
    const techPage = await other.newPage();
    await login(techPage, shared.service, technician);
    await techPage.goto(`${shared.service.url}/estadisticas`);
    await techPage.getByTestId('stats-figures').getByText('Tickets').waitFor();
    expect(await techPage.getByTestId('stats-figures').textContent()).toContain('Tickets3');
    await other.close();
  });
});
