import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { phoneField } from '../tickets/schemas.ts';
import type { SimulatorDriver } from './simulator.ts';

const inboundBody = z
  .object({
    from: phoneField,
    body: z.string({ error: 'body debe ser texto' }).max(4096).optional(),
    id: z.string().min(1).max(200).optional(),
    name: z.string().trim().min(1).max(120).optional(),
    media: z
      .object({
        base64: z.base64({ error: 'media.base64 debe ser base64' }).min(1, 'media.base64 no puede estar vacío'),
        mimetype: z.string().regex(/^[\w.+-]+\/[\w.+-]+(;.*)?$/, 'media.mimetype debe ser un tipo MIME'),
        filename: z.string().min(1).max(255).optional(),
      })
      .optional(),
    location: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).optional(),
  })
  .refine((input) => Boolean(input.media || input.location || input.body?.length), 'body no puede estar vacío sin media ni location');

const connectionBody = z.object({
  state: z.enum(['ready', 'disconnected', 'unresponsive', 'qr'], {
    error: 'state debe ser ready, disconnected, unresponsive o qr',
  }),
});

const numberBody = z.object({
  phone: phoneField,
  whatsapp: z.boolean({ error: 'whatsapp debe ser true o false' }),
});

/** The simulator's control API: exists only when the simulator driver is in use. */
export const simulatorRoutes: FastifyPluginAsyncZod<{ simulator: SimulatorDriver }> = async (app, { simulator }) => {
  // A file travels as base64 in JSON: 10 MB of file is about 14 MB of body.
  app.post('/api/simulator/inbound', { schema: { body: inboundBody }, bodyLimit: 16 * 1024 * 1024 }, async (request, reply) => {
    const outcome = await simulator.receive(request.body);
    return reply.code(202).send({ outcome });
  });

  app.post('/api/simulator/connection', { schema: { body: connectionBody } }, async (request) => {
    await simulator.setMode(request.body.state);
    request.log.info({ mode: request.body.state }, 'simulator connection changed');
    return { state: request.body.state };
  });

  app.post('/api/simulator/numbers', { schema: { body: numberBody } }, async (request) => {
    await simulator.setHasWhatsApp(request.body.phone, request.body.whatsapp);
    return request.body;
  });

  app.get('/api/simulator/sent', async () => simulator.sent());
};
