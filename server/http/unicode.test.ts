import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.ts';
import { MAX_JSON_DEPTH, inspectBody } from './unicode.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const nested = (levels: number, inner = '"x"') => '{"a":'.repeat(levels) + inner + '}'.repeat(levels);

describe('inspectBody', () => {
  it('finds half a surrogate pair in a value or a key, however deep within the limit', () => {
    expect(inspectBody(JSON.parse(nested(MAX_JSON_DEPTH - 1, '"\\ud83d"')))).toBe('ill-formed');
    expect(inspectBody({ list: [{ ['\ud83d']: 1 }] })).toBe('ill-formed');
    expect(inspectBody({ ok: ['hola 👋', 1, null, { b: true }] })).toBe('ok');
  });

  it('walks a body thousands of levels deep without recursion, and calls it too deep', () => {
    expect(inspectBody(JSON.parse(nested(100_000)))).toBe('too-deep');
    expect(inspectBody(JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)))).toBe('too-deep');
  });
});

describe('a JSON body nested thousands of levels deep', () => {
  it('answers 400 solicitud_invalida, not 500, and writes nothing', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { ...t.admin, 'content-type': 'application/json' },
      payload: nested(5000),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(/anidad/) });
    expect(await t.app.puente.db.prisma.ticket.count()).toBe(0);
  });

  it('the same on a public route (login)', async () => {
    t = await buildTestApp();
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '['.repeat(50_000) + ']'.repeat(50_000),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('solicitud_invalida');
  });
});
