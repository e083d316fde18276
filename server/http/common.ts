import { z } from 'zod';
import { PRIORITIES, STATUSES } from '../contract/index.ts';

/** Path ids: a positive integer, with a Spanish message the contract's 400 body carries. */
// Digits only: Number() would also read "0x1", "1e0" or " 1" as ticket 1.
export const idParam = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'el id debe ser un número entero mayor que 0')
    .transform(Number)
    .refine((id) => id <= 2_147_483_647, 'el id es demasiado grande'),
});

export const errorBody = z.object({ error: z.string(), mensaje: z.string() }).loose();

/** The body of a reply WhatsApp accepted (POST /ticket/:id/enviar-mensaje → 200). */
export const sentBody = z.object({
  status: z.literal('enviado'),
  ticket_id: z.number(),
  telefono: z.string(),
  mensaje: z.string(),
});

/** One history entry (server/contract Entry); fields an integration sent come back too. */
export const entrySchema = z.looseObject({
  id: z.number(),
  role: z.enum(['user', 'assistant', 'tecnico', 'nota']),
  content: z.string(),
  timestamp: z.string(),
  kind: z.string(),
  author: z.string().optional(),
  delivery: z.enum(['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown']).optional(),
  deliveryInfo: z.string().optional(),
});

/** A ticket (server/contract Ticket); loose, so a field a later change adds is not dropped. */
export const ticketSchema = z.looseObject({
  id: z.number(),
  numero: z.string(),
  phone: z.string(),
  name: z.string().nullable(),
  subject: z.string(),
  description: z.string().nullable(),
  status: z.enum(STATUSES),
  priority: z.enum(PRIORITIES),
  category: z.string().nullable(),
  assigneeId: z.number().nullable(),
  unread: z.number(),
  lastMessageAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  rating: z.number().int().min(1).max(5).nullable(),
});

/** The error bodies a route declares, by status. */
export const errorResponses = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, errorBody]));

/**
 * For the long lists (a whole 10,000-entry history, the ticket table every console polls): the
 * response schema is declared and the handler's type is checked against it when compiled, but
 * rows are not validated one by one on every request (a measurable cost, `npm run bench`);
 * server/http/responses.test.ts holds the schemas to what these routes serve.
 */
export const serializeUnchecked = () => (data: unknown) => JSON.stringify(data);
