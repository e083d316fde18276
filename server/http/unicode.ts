import type { FastifyRequest } from 'fastify';
import { invalidRequest } from './errors.ts';

/** True when some string in a parsed JSON value holds half a surrogate pair (`"\ud83d"`). */
export function hasIllFormedText(value: unknown): boolean {
  if (typeof value === 'string') return !value.isWellFormed();
  if (Array.isArray(value)) return value.some(hasIllFormedText);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, inner]) => !key.isWellFormed() || hasIllFormedText(inner));
  }
  return false;
}

/**
 * JSON may escape half an emoji; SQLite cannot store it and the write would fail as a 500.
 * Refusing it at the edge makes it what it is: a bad request, with nothing written.
 */
export async function rejectIllFormedText(request: FastifyRequest) {
  if (hasIllFormedText(request.body)) throw invalidRequest('El texto contiene caracteres Unicode inválidos.');
}
