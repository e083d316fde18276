import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

import type { ErrorWord } from '../contract/index.ts';
import { databaseFaultOf } from '../db/faults.ts';

export type { ErrorWord };

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly word: ErrorWord,
    mensaje: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(mensaje);
    this.name = 'AppError';
  }

  body() {
    return { error: this.word, mensaje: this.message, ...this.extra };
  }
}

export const invalidRequest = (mensaje: string) => new AppError(400, 'solicitud_invalida', mensaje);
export const unauthenticated = (mensaje = 'Inicia sesión o envía un token de integración válido.') =>
  new AppError(401, 'no_autenticado', mensaje);
export const forbidden = () => new AppError(403, 'sin_permiso', 'Tu cuenta no tiene permiso para esta acción.');
/** A cookie-authenticated write or WebSocket that another site's page tried to make. */
export const crossSiteRequest = () =>
  new AppError(403, 'sin_permiso', 'La solicitud no viene de la consola de Puente: ábrela desde su propia dirección.');
export const tooManyAttempts = () =>
  new AppError(429, 'demasiadas_solicitudes', 'Demasiados intentos. Espera un momento y vuelve a intentarlo.');
/** A limit on an expensive route or on live sockets; `mensaje` says which and what to do. */
export const tooManyRequests = (mensaje: string) => new AppError(429, 'demasiadas_solicitudes', mensaje);
export const wrongCurrentPassword = () => new AppError(403, 'sin_permiso', 'La contraseña actual no es correcta.');
export const ticketNotFound = (ticketId: number) =>
  new AppError(404, 'ticket_no_encontrado', `No existe el ticket ${ticketId}.`, { ticket_id: ticketId });
export const notFound = (mensaje: string) => new AppError(404, 'no_encontrado', mensaje);
export const invalidState = (mensaje: string) => new AppError(409, 'estado_invalido', mensaje);
export const fileTooLarge = (mensaje: string) => new AppError(413, 'archivo_demasiado_grande', mensaje);
export const typeNotAllowed = (mensaje: string) => new AppError(415, 'tipo_no_permitido', mensaje);
export const storageFull = (mensaje: string) => new AppError(507, 'almacenamiento_lleno', mensaje);
export const rangeNotSatisfiable = (mensaje: string) => new AppError(416, 'rango_no_valido', mensaje);
export const sendRejected = (reason: string, ticketId: number) =>
  new AppError(422, 'envio_rechazado', `WhatsApp rechazó el mensaje: ${reason}.`, { ticket_id: ticketId });
export const whatsappDisconnected = (ticketId: number) =>
  new AppError(
    503,
    'whatsapp_desconectado',
    'WhatsApp no está conectado. El mensaje quedó guardado y se enviará automáticamente cuando se reconecte.',
    { ticket_id: ticketId },
  );
export const whatsappNoAnswer = (ticketId: number) =>
  new AppError(
    504,
    'whatsapp_sin_respuesta',
    'WhatsApp no confirmó el envío a tiempo. El mensaje quedó guardado, se enviará en orden y nunca dos veces.',
    { ticket_id: ticketId },
  );

/** The disk refused a file: full (507, HTTP's "insufficient storage") or read-only (503, it may come back). */
export function storageUnavailable(fault: 'lleno' | 'solo_lectura'): AppError {
  return fault === 'lleno'
    ? storageFull('El disco del servidor está lleno: el archivo no se guardó ni se envió. Los mensajes de texto siguen funcionando; avisa a un administrador.')
    : new AppError(503, 'almacenamiento_no_disponible', 'La carpeta de datos del servidor no admite escritura: el archivo no se guardó ni se envió. Los mensajes de texto siguen funcionando; avisa a un administrador.');
}

/** Another process held the write lock past busy_timeout: nothing was stored, the request may be repeated. */
export const databaseBusy = () =>
  new AppError(503, 'base_de_datos_ocupada', 'La base de datos está ocupada por otro proceso y no se guardó nada. Inténtalo de nuevo en unos segundos.');

const INTERNAL = new AppError(500, 'error_interno', 'Ocurrió un error interno. Inténtalo de nuevo.');

/** Maps Fastify's own request errors (body parsing, limits) to the contract's words. */
function fromFastifyError(error: FastifyError): AppError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(413, 'cuerpo_demasiado_grande', 'El cuerpo de la solicitud es demasiado grande.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidRequest('El cuerpo de la solicitud no es JSON válido.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return invalidRequest('El cuerpo debe enviarse como application/json.');
  }
  if (error.statusCode === 429) {
    return new AppError(429, 'demasiadas_solicitudes', 'Demasiados intentos. Espera un momento y vuelve a intentarlo.');
  }
  return null;
}

function fromValidation(error: FastifyError): AppError {
  const issue = hasZodFastifySchemaValidationErrors(error) ? error.validation[0] : undefined;
  const where = issue?.instancePath ? issue.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
  const detail = issue?.message ?? error.message;
  return invalidRequest(where ? `${where}: ${detail}` : detail);
}

/** The one error handler: every failure leaves as the contract's JSON, 5xx bodies reveal nothing. */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  let known: AppError | null = error instanceof AppError ? error : null;
  if (!known && databaseFaultOf(error) === 'ocupada') known = databaseBusy();
  if (!known && error.validation) known = fromValidation(error);
  known ??= fromFastifyError(error);
  if (!known || known.statusCode >= 500) {
    request.log.error({ err: error }, 'request failed');
  }
  const answer = known ?? INTERNAL;
  return reply.code(answer.statusCode).send(answer.body());
}

/**
 * Errors the router raises before any route runs (Fastify's `frameworkErrors`): a path that is
 * not valid percent-encoding, a path parameter over the router's length limit. Without this they
 * leave in Fastify's own body, outside the contract.
 */
export function handleFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return reply.code(400).send(invalidRequest('La dirección de la solicitud no es válida.').body());
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return reply.code(400).send(invalidRequest('La dirección de la solicitud es demasiado larga.').body());
  }
  return handleError(error, request, reply);
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
  const answer = notFound(`No existe ${request.method} ${request.url.split('?')[0]}.`);
  return reply.code(404).send(answer.body());
}
