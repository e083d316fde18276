import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/support/use-app.ts';
import { createTicket } from './tickets.ts';

const t = useTestApp();

const page = async (query: string) => {
  const response = await t.app.inject({ method: 'GET', url: `/api/tickets${query}`, headers: t.admin });
  return { status: response.statusCode, body: response.json() };
};

describe('GET /api/tickets at scale: pages', () => {
  // 230 tickets take a while to create on a loaded machine (PostgreSQL most of all); the assertions are what matter.
  it('with 230 tickets, page 2 holds the 30 older than the newest 200, each ticket on exactly one page', { timeout: 120_000 }, async () => {
    const ids: number[] = [];
    for (let n = 0; n < 230; n++) {
      ids.push((await createTicket(t.app.puente.db, { phone: `+52147755${String(n).padStart(5, '0')}`, subject: `Ticket ${n}` })).id);
    }
    // Activity spread over time, the first created the oldest.
    await t.app.puente.db.prisma.$transaction(
      ids.map((id, n) => t.app.puente.db.prisma.ticket.update({ where: { id }, data: { lastMessageAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000) } })),
    );
    const first = await page('');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ pagina: 1, hay_mas: true });
    expect(first.body.tickets).toHaveLength(200);
    expect(first.body.tickets[0].id).toBe(ids[229]);

    const second = await page('?pagina=2');
    expect(second.body).toMatchObject({ pagina: 2, hay_mas: false });
    expect(second.body.tickets.map((ticket: { id: number }) => ticket.id)).toEqual(ids.slice(0, 30).reverse());

    const seen = [...first.body.tickets, ...second.body.tickets].map((ticket: { id: number }) => ticket.id);
    expect(new Set(seen).size).toBe(230);

    const small = await page('?limit=100&pagina=3');
    expect(small.body.tickets.map((ticket: { id: number }) => ticket.id)).toEqual(ids.slice(0, 30).reverse());
    expect((await page('?pagina=9')).body).toMatchObject({ tickets: [], hay_mas: false });
  });

  it.each(['0', '-1', 'dos', '1.5'])('400 in Spanish for pagina=%s', async (value) => {
    const answer = await page(`?pagina=${value}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'solicitud_invalida', mensaje: expect.stringContaining('pagina') });
  });
});
