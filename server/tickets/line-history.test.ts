import { describe, expect, it } from 'vitest';
import { createTicket } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';

const t = useTestApp();

const earlier = (id: number | string, headers: Record<string, string> = t.admin) =>
  t.app.inject({ url: `/api/tickets/${id}/anteriores`, headers });

describe('GET /api/tickets/:id/anteriores', () => {
  it('401 without credentials', async () => {
    const ticket = await createTicket(t);
    expect((await earlier(ticket.id, {})).statusCode).toBe(401);
  });

  it("lists the same line's earlier tickets, newest first, in either Mexican form, never later ones or other lines", async () => {
    const first = await createTicket(t, { phone: '+5214771234567', subject: 'Primero' });
    const other = await createTicket(t, { phone: '+5214779999999', subject: 'Otra línea' });
    const second = await createTicket(t, { phone: '+524771234567', subject: 'Segundo' });
    const current = await createTicket(t, { phone: '+5214771234567', subject: 'Actual' });
    const later = await createTicket(t, { phone: '+5214771234567', subject: 'Después' });

    const response = await earlier(current.id);
    expect(response.statusCode).toBe(200);
    expect(response.json().tickets.map((ticket: { id: number }) => ticket.id)).toEqual([second.id, first.id]);
    expect(response.json().tickets[0]).toMatchObject({ subject: 'Segundo', numero: expect.stringMatching(/^TKT-/) });
    expect((await earlier(first.id)).json()).toEqual({ tickets: [] });
    expect([other.id, later.id]).not.toContain(response.json().tickets[0].id);
  });

  it('404 for a ticket that does not exist, 400 for a bad id', async () => {
    expect((await earlier(9999)).json()).toMatchObject({ error: 'ticket_no_encontrado', ticket_id: 9999 });
    expect((await earlier('abc')).statusCode).toBe(400);
  });
});
