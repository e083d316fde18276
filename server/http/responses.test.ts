import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTicket } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { entrySchema, errorBody, sentBody, ticketSchema } from './common.ts';

// The contract routes declare their answers; two of them (the long lists) skip validating each
// row per request, so here the declared schemas are held to what the routes really serve.
const t = useTestApp();
let ticket: { id: number; phone: string };

beforeEach(async () => {
  ticket = await createTicket(t, { historial: [{ role: 'user', content: 'hola', timestamp: '2026-01-02T03:04:05Z', origen: 'web' }] });
});

const strict = <T extends z.ZodType>(schema: T) => (value: unknown) => schema.parse(value);

describe('declared response schemas', () => {
  it('enviar-mensaje answers its declared 200 body, and an error body otherwise', async () => {
    const ok = await t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, headers: t.admin, payload: { mensaje: 'listo' } });
    expect(ok.statusCode).toBe(200);
    expect(strict(sentBody)(ok.json())).toEqual(ok.json());
    const missing = await t.app.inject({ method: 'POST', url: '/ticket/999999/enviar-mensaje', headers: t.admin, payload: { mensaje: 'x' } });
    expect(strict(errorBody)(missing.json())).toMatchObject({ error: 'ticket_no_encontrado' });
  });

  it('conversacion serves entries of the declared shape, extra fields kept', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/ticket/${ticket.id}/conversacion`, headers: t.admin });
    const { historial } = z.object({ historial: z.array(entrySchema) }).parse(response.json());
    expect(historial[0]).toMatchObject({ role: 'user', content: 'hola', origen: 'web' });
  });

  it('the ticket list serves tickets of the declared shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/tickets', headers: t.admin });
    const { tickets } = z.object({ tickets: z.array(ticketSchema) }).parse(response.json());
    expect(tickets.map((row) => row.id)).toEqual([ticket.id]);
  });
});
