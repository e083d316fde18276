import { z } from 'zod';
import { normalizePhone } from '../contract/phone.ts';
import { RESERVED_EXTRA } from '../messages/entries.ts';
import { PRIORITIES, STATUSES } from './tickets.ts';

const statusField = z.enum(STATUSES, { error: `el estado debe ser uno de: ${STATUSES.join(', ')}` });
const priorityField = z.enum(PRIORITIES, { error: `la prioridad debe ser una de: ${PRIORITIES.join(', ')}` });

const categoryField = z
  .string({ error: 'la categoría debe ser texto' })
  .trim()
  .min(1, 'la categoría no puede estar vacía')
  .max(40, 'la categoría admite hasta 40 caracteres');

export const newCategoryBody = z.object({ nombre: categoryField.toLowerCase() });

export const phoneField = z
  .string({ error: 'falta el teléfono' })
  .transform((value, ctx) => {
    const e164 = normalizePhone(value);
    if (!e164) ctx.addIssue({ code: 'custom', message: 'el teléfono debe estar en formato internacional, p. ej. +5214771234567' });
    return e164 ?? value;
  });

const historyEntry = z
  .looseObject({
    role: z.enum(['user', 'assistant', 'tecnico'], { error: 'role debe ser user, assistant o tecnico' }),
    content: z.string({ error: 'content debe ser texto' }).max(20_000, 'content es demasiado largo'),
    timestamp: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, 'timestamp debe estar en ISO-8601')
      .max(40)
      .optional(),
  })
  .superRefine((entry, ctx) => {
    for (const key of RESERVED_EXTRA) {
      if (key in entry) ctx.addIssue({ code: 'custom', path: [key], message: `${key} lo pone el servicio; no puede venir en el historial` });
    }
  })
  .transform(({ role, content, timestamp, ...extra }) => ({ role, content, timestamp, extra }));

export const newTicketBody = z.object({
  phone: phoneField,
  name: z.string().trim().min(1).max(120).optional(),
  subject: z.string({ error: 'falta el asunto' }).trim().min(1, 'falta el asunto').max(200, 'el asunto es demasiado largo'),
  description: z.string().max(10_000).optional(),
  priority: priorityField.optional(),
  category: categoryField.optional(),
  historial: z.array(historyEntry).max(1000, 'el historial inicial admite hasta 1000 entradas').optional(),
});

export const ticketPatchBody = z
  .object({
    status: statusField.optional(),
    priority: priorityField.optional(),
    assigneeId: z.number({ error: 'assigneeId debe ser el número de una cuenta o null' }).int().positive().nullable().optional(),
    category: categoryField.nullable().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'indica status, priority, assigneeId o category');

export const ticketListQuery = z.object({
  status: statusField.optional(),
  priority: priorityField.optional(),
  q: z.string().max(200).optional(),
  category: categoryField.optional(),
  asignado: z
    .union([z.literal('ninguno').transform(() => 0), z.coerce.number().int().positive()], {
      error: 'asignado debe ser el número de una cuenta o "ninguno"',
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
  pagina: z.coerce.number({ error: 'pagina debe ser un número desde 1' }).int('pagina debe ser un número desde 1').min(1, 'pagina debe ser un número desde 1').max(100_000, 'pagina es demasiado grande').default(1),
});
