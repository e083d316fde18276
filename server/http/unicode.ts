import type { FastifyRequest } from 'fastify';
import { invalidRequest } from './errors.ts';

/** Deeper than any body of the contract; deeper bodies would only feed recursion (zod, Prisma). */
export const MAX_JSON_DEPTH = 64;

type Verdict = 'ok' | 'ill-formed' | 'too-deep';

/**
 * Walks a parsed JSON body with its own stack (a body thousands of levels deep overflowed the
 * call stack as a 500): too deep, or some string or key holding half a surrogate pair.
 */
export function inspectBody(body: unknown): Verdict {
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'string') {
      if (!value.isWellFormed()) return 'ill-formed';
    } else if (value && typeof value === 'object') {
      if (depth > MAX_JSON_DEPTH) return 'too-deep';
      for (const [key, inner] of Object.entries(value)) {
        if (!Array.isArray(value) && !key.isWellFormed()) return 'ill-formed';
        stack.push([inner, depth + 1]);
      }
    }
  }
  return 'ok';
}

/**
 * JSON may escape half an emoji; SQLite cannot store it and the write would fail as a 500.
 * Refusing it at the edge makes it what it is: a bad request, with nothing written.
 */
export async function rejectIllFormedText(request: FastifyRequest) {
  const verdict = inspectBody(request.body);
  if (verdict === 'too-deep') throw invalidRequest(`El cuerpo JSON está anidado más de ${MAX_JSON_DEPTH} niveles.`);
  if (verdict === 'ill-formed') throw invalidRequest('El texto contiene caracteres Unicode inválidos.');
}
