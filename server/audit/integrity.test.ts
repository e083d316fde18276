import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ADMIN, createTicket, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import type { AuditAction } from './audit.ts';

/**
 * Issue 13: an audited change and its event are both present or both absent. The database refuses
 * every new AuditEvent (a trigger, as a full or broken log table would): the change must roll back
 * with it and the request answer 500, never 2xx with the event silently lost.
 */

const t = useTestApp();

async function refuseAuditWrites() {
  const db = t.app.puente.db;
  if (db.dialect === 'sqlite') {
    await db.write((tx) => tx.$executeRawUnsafe("CREATE TRIGGER audit_roto BEFORE INSERT ON AuditEvent BEGIN SELECT RAISE(ABORT, 'auditoría rota'); END"));
  } else {
    await db.write((tx) => tx.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION audit_roto() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'auditoría rota'; END $$ LANGUAGE plpgsql`));
    await db.write((tx) => tx.$executeRawUnsafe('CREATE TRIGGER audit_roto BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION audit_roto()'));
  }
}

async function allowAuditWrites() {
  const db = t.app.puente.db;
  await db.write((tx) => tx.$executeRawUnsafe(db.dialect === 'sqlite' ? 'DROP TRIGGER audit_roto' : 'DROP TRIGGER audit_roto ON "AuditEvent"'));
}

const prisma = () => t.app.puente.db.prisma;
const asAdmin = (options: InjectOptions) => t.app.inject({ ...options, headers: { ...t.admin, ...options.headers } });
const eventCount = (action: AuditAction) => prisma().auditEvent.count({ where: { action } });
const passwordHash = async (username: string) => (await prisma().user.findUniqueOrThrow({ where: { username } })).passwordHash;

async function technician(username = 'tecnico1') {
  const created = await asAdmin({ method: 'POST', url: '/api/users', payload: { username, password: 'clave-del-tecnico', role: 'tecnico' } });
  return (created.json() as { id: number }).id;
}

interface Case {
  action: AuditAction;
  /** Run once with the log working, before the fault: what the change needs to exist. */
  setup?: () => Promise<Record<string, unknown>>;
  act: (given: Record<string, unknown>) => Promise<LightMyRequestResponse>;
  /** Whether the change is in the database. */
  happened: (given: Record<string, unknown>) => Promise<boolean>;
}

const cases: Case[] = [
  {
    action: 'cuenta_creada',
    act: () => asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'nuevo', password: 'clave-del-nuevo', role: 'tecnico' } }),
    happened: async () => (await prisma().user.count({ where: { username: 'nuevo' } })) === 1,
  },
  {
    action: 'cuenta_desactivada',
    setup: async () => ({ id: await technician() }),
    act: ({ id }) => asAdmin({ method: 'DELETE', url: `/api/users/${id}` }),
    happened: async ({ id }) => !(await prisma().user.findUniqueOrThrow({ where: { id: id as number } })).active,
  },
  {
    action: 'cuenta_reactivada',
    setup: async () => {
      const id = await technician();
      await asAdmin({ method: 'DELETE', url: `/api/users/${id}` });
      return { id };
    },
    act: ({ id }) => asAdmin({ method: 'POST', url: `/api/users/${id}/reactivar` }),
    happened: async ({ id }) => (await prisma().user.findUniqueOrThrow({ where: { id: id as number } })).active,
  },
  {
    action: 'contrasena_restablecida',
    setup: async () => ({ id: await technician(), before: await passwordHash('tecnico1') }),
    act: ({ id }) => asAdmin({ method: 'POST', url: `/api/users/${id}/contrasena`, payload: { password: 'otra-clave-123' } }),
    happened: async ({ before }) => (await passwordHash('tecnico1')) !== before,
  },
  {
    action: 'contrasena_cambiada',
    setup: async () => ({ before: await passwordHash(ADMIN.username) }),
    act: () => asAdmin({ method: 'POST', url: '/api/auth/contrasena', payload: { actual: ADMIN.password, nueva: 'la-nueva-del-admin' } }),
    happened: async ({ before }) => (await passwordHash(ADMIN.username)) !== before,
  },
  {
    action: 'token_creado',
    act: () => asAdmin({ method: 'POST', url: '/api/tokens', payload: { name: 'mesa' } }),
    happened: async () => (await prisma().apiToken.count({ where: { name: 'mesa' } })) === 1,
  },
  {
    action: 'token_revocado',
    setup: async () => ({ id: ((await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name: 'crm' } })).json() as { id: number }).id }),
    act: ({ id }) => asAdmin({ method: 'DELETE', url: `/api/tokens/${id}` }),
    happened: async ({ id }) => (await prisma().apiToken.findUniqueOrThrow({ where: { id: id as number } })).revokedAt !== null,
  },
  {
    action: 'login',
    setup: async () => ({ before: await prisma().session.count() }),
    act: () => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN }),
    happened: async ({ before }) => (await prisma().session.count()) > (before as number),
  },
  {
    action: 'logout',
    setup: async () => ({ cookie: await loginCookie(t.app, ADMIN.username, ADMIN.password), before: await prisma().session.count() }),
    act: ({ cookie }) => t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cookie as string } }),
    happened: async ({ before }) => (await prisma().session.count()) < (before as number),
  },
  {
    action: 'sesiones_cerradas',
    setup: async () => {
      await loginCookie(t.app, ADMIN.username, ADMIN.password); // another browser
      return { before: await prisma().session.count() };
    },
    act: () => asAdmin({ method: 'POST', url: '/api/auth/cerrar-otras' }),
    happened: async ({ before }) => (await prisma().session.count()) < (before as number),
  },
  // The intent is written before the driver acts: an unwritable log means WhatsApp was not touched.
  {
    action: 'whatsapp_desvinculado',
    act: () => asAdmin({ method: 'POST', url: '/api/whatsapp/logout' }),
    happened: async () => t.simulator.state().state === 'logged_out',
  },
  {
    action: 'whatsapp_vinculado',
    setup: async () => {
      await asAdmin({ method: 'POST', url: '/api/whatsapp/logout' });
      return {};
    },
    act: () => asAdmin({ method: 'POST', url: '/api/whatsapp/connect' }),
    happened: async () => t.simulator.state().state !== 'logged_out',
  },
];

function expectInternalError(response: LightMyRequestResponse) {
  expect(response.statusCode, response.body).toBe(500);
  expect(response.json()).toEqual({ error: 'error_interno', mensaje: expect.any(String) });
  expect(response.body).not.toMatch(/auditoría rota|at |\.ts:/);
  expect(response.cookies.find((cookie) => cookie.name === 'puente_sesion' && cookie.value)).toBeUndefined();
}

describe('an audited change and its event: both or neither', () => {
  it.each(cases.map((c) => [c.action, c] as const))('%s: refused with its change when the event cannot be written, both kept once it can', async (action, c) => {
    const given = (await c.setup?.()) ?? {};
    const eventsBefore = await eventCount(action);
    await refuseAuditWrites();
    expectInternalError(await c.act(given));
    expect(await c.happened(given)).toBe(false);
    expect(await eventCount(action)).toBe(eventsBefore);

    await allowAuditWrites();
    const answer = await c.act(given);
    expect(answer.statusCode, answer.body).toBeLessThan(300);
    expect(await c.happened(given)).toBe(true);
    expect(await eventCount(action)).toBe(eventsBefore + 1);
  });
});

describe('events of their own are written before the answer', () => {
  it('a failed login whose event cannot be written answers 500, not 401', async () => {
    await refuseAuditWrites();
    expectInternalError(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password: 'mala' } }));
    await allowAuditWrites();
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password: 'mala' } })).statusCode).toBe(401);
    expect(await eventCount('login_fallido')).toBe(1);
  });

  it('an export that cannot be recorded does not leave: 500 and no file', async () => {
    await createTicket(t);
    await refuseAuditWrites();
    for (const kind of ['csv', 'xlsx', 'pdf']) {
      const response = await asAdmin({ method: 'GET', url: `/api/exportes/tickets.${kind}?status=open` });
      expectInternalError(response);
      expect(response.headers['content-disposition']).toBeUndefined();
    }
    await allowAuditWrites();
    expect((await asAdmin({ method: 'GET', url: '/api/exportes/tickets.csv' })).statusCode).toBe(200);
    const [event] = await prisma().auditEvent.findMany({ where: { action: 'exporte_csv' } });
    expect(JSON.parse(event.detail!)).toEqual({ filtros: {} }); // no filter is said, not left out
  });
});
