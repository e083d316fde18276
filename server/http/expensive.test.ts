import { describe, expect, it } from 'vitest';
import { ADMIN, createTicket, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';

const LIMIT = 3;
const t = useTestApp({ REPORTS_PER_MINUTE: String(LIMIT) });

const get = (url: string, headers: Record<string, string> = t.admin) => t.app.inject({ method: 'GET', url, headers });

describe('rate limits on the expensive routes, per session', () => {
  it(`answers 429 in Spanish with Retry-After after ${LIMIT} statistics in a minute, for that session only`, async () => {
    for (let i = 0; i < LIMIT; i++) expect((await get('/api/estadisticas')).statusCode).toBe(200);
    const refused = await get('/api/estadisticas');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({ error: 'demasiadas_solicitudes', mensaje: expect.stringMatching(/^Demasiadas solicitudes de informes seguidas\. Espera \d+ s/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another session of the same account, and the cheap routes, are not held back.
    const other = { cookie: await loginCookie(t.app, ADMIN.username, ADMIN.password) };
    expect((await get('/api/estadisticas', other)).statusCode).toBe(200);
    expect((await get('/api/tickets')).statusCode).toBe(200);
  });

  it.each(['/api/exportes/tickets.csv', '/api/exportes/tickets.xlsx', '/api/exportes/tickets.pdf', 'TRANSCRIPT'])('limits %s the same way', async (route) => {
    const url = route === 'TRANSCRIPT' ? `/api/tickets/${(await createTicket(t)).id}/transcripcion.pdf` : route;
    for (let i = 0; i < LIMIT; i++) expect((await get(url)).statusCode).toBe(200);
    expect((await get(url)).statusCode).toBe(429);
  });
});
