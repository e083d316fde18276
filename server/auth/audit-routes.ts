import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdmin } from './guard.ts';
import type { Db } from '../db/database.ts';
import { listAudit } from '../audit/audit.ts';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'debe ser una fecha AAAA-MM-DD')
  .refine((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)), 'no es una fecha válida');

const auditQuery = z.object({
  pagina: z.coerce.number({ error: 'debe ser un número' }).int().min(1, 'empieza en 1').max(100_000).default(1),
  por_pagina: z.coerce.number({ error: 'debe ser un número' }).int().min(1).max(200, 'como máximo 200').default(50),
  accion: z.string().trim().min(1).max(60).optional(),
  actor: z.string().trim().min(1).max(100).optional(),
  desde: day.optional(),
  hasta: day.optional(),
});

const startOf = (text: string) => new Date(`${text}T00:00:00Z`);
const dayAfter = (text: string) => new Date(startOf(text).getTime() + 86_400_000);

/** GET /api/auditoria: admins read the log, newest first; `desde`/`hasta` are whole UTC days. */
export const auditRoutes: FastifyPluginAsyncZod<{ db: Db }> = async (app, { db }) => {
  app.get('/api/auditoria', { preHandler: requireAdmin, schema: { querystring: auditQuery } }, async (request) => {
    const { desde, hasta, ...rest } = request.query;
    return listAudit(db, { ...rest, desde: desde ? startOf(desde) : undefined, hasta: hasta ? dayAfter(hasta) : undefined });
  });
};
