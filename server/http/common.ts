import { z } from 'zod';

/** Path ids: a positive integer, with a Spanish message the contract's 400 body carries. */
export const idParam = z.object({
  id: z.coerce
    .number({ error: 'el id debe ser un número' })
    .int('el id debe ser un número entero')
    .positive('el id debe ser mayor que 0')
    .max(2_147_483_647, 'el id es demasiado grande'),
});

export const errorBody = z.object({ error: z.string(), mensaje: z.string() }).loose();
