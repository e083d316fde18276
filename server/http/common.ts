import { z } from 'zod';

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
