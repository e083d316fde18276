import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ADMIN, buildTestApp, createTicket, eventually, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { AUDIT_ACTION_LABEL } from '../../console/lib/labels.ts';
import { SimulatorDriver } from '../whatsapp/simulator.ts';
import { AUDIT_ACTIONS } from './audit.ts';

const t = useTestApp();

const asAdmin = (options: InjectOptions) => t.app.inject({ ...options, headers: { ...t.admin, ...options.headers } });
const events = (action: string) => t.app.puente.db.prisma.auditEvent.findMany({ where: { action }, orderBy: { id: 'asc' } });
const oneEvent = (action: string) => eventually(async () => {
  const found = await events(action);
  return found.length === 1 ? found[0] : undefined;
});

describe('the audit log', () => {
  it('records a login (ok and failed) and a logout with who, when and from where', async () => {
    const before = Date.now();
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password: 'mala' }, remoteAddress: '10.0.0.7' });
    const failed = await oneEvent('login_fallido');
    expect(failed!).toMatchObject({ actor: 'admin', ip: '10.0.0.7' });
    expect(failed!.at.getTime()).toBeGreaterThanOrEqual(before - 1000);

    const cookie = await loginCookie(t.app, ADMIN.username, ADMIN.password);
    const logins = await eventually(async () => ((await events('login')).length >= 2 ? events('login') : undefined)); // buildTestApp's and this one
    expect(logins!.at(-1)).toMatchObject({ actor: 'admin', ip: '127.0.0.1' });
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(await oneEvent('logout')).toMatchObject({ actor: 'admin' });
  });

  it('records account, password and token changes, the WhatsApp unlink and exports, once each', async () => {
    const created = await asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'tecnico1', password: 'clave-del-tecnico', role: 'tecnico' } });
    const { id } = created.json() as { id: number };
    expect(await oneEvent('cuenta_creada')).toMatchObject({ actor: 'admin', target: 'tecnico1' });
    await asAdmin({ method: 'POST', url: `/api/users/${id}/contrasena`, payload: { password: 'otra-clave-123' } });
    expect(await oneEvent('contrasena_restablecida')).toMatchObject({ actor: 'admin', target: String(id) });
    await asAdmin({ method: 'DELETE', url: `/api/users/${id}` });
    expect(await oneEvent('cuenta_desactivada')).toMatchObject({ target: String(id) });

    const token = (await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name: 'mesa' } })).json() as { id: number };
    expect(await oneEvent('token_creado')).toMatchObject({ actor: 'admin', target: 'mesa' });
    await asAdmin({ method: 'DELETE', url: `/api/tokens/${token.id}` });
    expect(await oneEvent('token_revocado')).toMatchObject({ target: String(token.id) });

    expect((await asAdmin({ method: 'POST', url: '/api/whatsapp/logout' })).statusCode).toBe(202);
    expect(await oneEvent('whatsapp_desvinculado')).toMatchObject({ actor: 'admin' });

    await createTicket(t);
    expect((await asAdmin({ method: 'GET', url: '/api/exportes/tickets.csv?status=open' })).statusCode).toBe(200);
    const exported = await oneEvent('exporte_csv');
    expect(JSON.parse(exported!.detail!)).toEqual({ filtros: { status: 'open' } });
  });

  it('records nothing for a refused change', async () => {
    await asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'x' } });
    await asAdmin({ method: 'DELETE', url: '/api/tokens/999' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await t.app.puente.db.prisma.auditEvent.count({ where: { action: { in: ['cuenta_creada', 'token_revocado'] } } })).toBe(0);
  });
});

describe('the WhatsApp link, from the phone’s side', () => {
  /** A simulator whose phone can end the link (Dispositivos vinculados → Cerrar sesión). */
  class PhoneThatUnlinks extends SimulatorDriver {
    unlinkFromPhone() {
      this.emitState({ state: 'logged_out', reason: 'Se cerró la sesión desde el teléfono.' });
    }
  }

  it('records the link completed by the QR scan, naming the admin who asked for it', async () => {
    t.simulator.setMode('qr');
    expect((await asAdmin({ method: 'POST', url: '/api/whatsapp/connect' })).statusCode).toBe(202);
    expect(await oneEvent('whatsapp_vinculado')).toMatchObject({ actor: 'admin' });
    expect(await events('whatsapp_enlazado')).toEqual([]); // shown, not yet scanned
    t.simulator.setMode('ready');
    const linked = await oneEvent('whatsapp_enlazado');
    expect(linked).toMatchObject({ actor: 'whatsapp' });
    expect(JSON.parse(linked!.detail!)).toEqual({ iniciado_por: 'admin' });
  });

  it('records an unlink from the phone, and the admin’s own unlink only as theirs', async () => {
    await t.close();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-audit-'));
    const phone = new PhoneThatUnlinks(dataDir);
    t.replace(await buildTestApp({}, { dataDir, driver: phone }));
    phone.unlinkFromPhone();
    const unlinked = await oneEvent('whatsapp_desvinculado_telefono');
    expect(unlinked).toMatchObject({ actor: 'whatsapp' });
    expect(JSON.parse(unlinked!.detail!)).toEqual({ motivo: 'Se cerró la sesión desde el teléfono.' });

    await asAdmin({ method: 'POST', url: '/api/whatsapp/connect' });
    await asAdmin({ method: 'POST', url: '/api/whatsapp/logout' });
    expect(await oneEvent('whatsapp_desvinculado')).toMatchObject({ actor: 'admin' });
    expect(await events('whatsapp_desvinculado_telefono')).toHaveLength(1);
    const close = t.close;
    t.close = async () => {
      await close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  });
});

describe('the words of the log', () => {
  it('every action the server records has its Spanish name in the console', () => {
    expect(AUDIT_ACTIONS.filter((action) => !AUDIT_ACTION_LABEL[action])).toEqual([]);
  });
});

describe('GET /api/auditoria', () => {
  it('401 without a session; 403 for a technician', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/auditoria' })).statusCode).toBe(401);
    await asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'tecnico1', password: 'clave-del-tecnico', role: 'tecnico' } });
    const technician = await loginCookie(t.app, 'tecnico1', 'clave-del-tecnico');
    const response = await t.app.inject({ method: 'GET', url: '/api/auditoria', headers: { cookie: technician } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
  });

  it('pages newest first and filters by action, actor and day', async () => {
    for (const name of ['uno', 'dos', 'tres']) await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name } });
    await eventually(async () => (await events('token_creado')).length === 3);
    const first = (await asAdmin({ method: 'GET', url: '/api/auditoria?accion=token_creado&por_pagina=2' })).json();
    expect(first.eventos.map((e: { target: string }) => e.target)).toEqual(['tres', 'dos']);
    expect(first.hay_mas).toBe(true);
    const second = (await asAdmin({ method: 'GET', url: '/api/auditoria?accion=token_creado&por_pagina=2&pagina=2' })).json();
    expect(second).toMatchObject({ eventos: [{ target: 'uno', actor: 'admin', action: 'token_creado' }], hay_mas: false });
    expect((await asAdmin({ method: 'GET', url: '/api/auditoria?actor=nadie' })).json().eventos).toEqual([]);
    expect((await asAdmin({ method: 'GET', url: '/api/auditoria?accion=token_creado&hasta=2020-01-01' })).json().eventos).toEqual([]);
    const bad = await asAdmin({ method: 'GET', url: '/api/auditoria?desde=ayer' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'solicitud_invalida' });
  });
});

describe('AUDIT_RETENTION_DAYS', () => {
  it('prunes older events at start, keeps newer ones', async () => {
    await t.close();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'puente-audit-'));
    t.replace(await buildTestApp({ AUDIT_RETENTION_DAYS: '30' }, { dataDir }));
    const day = 86_400_000;
    await t.app.puente.db.write((tx) =>
      tx.auditEvent.createMany({
        data: [
          { action: 'viejo', actor: 'admin', at: new Date(Date.now() - 31 * day) },
          { action: 'reciente', actor: 'admin', at: new Date(Date.now() - 29 * day) },
        ],
      }),
    );
    await t.close();
    t.replace(await buildTestApp({ AUDIT_RETENTION_DAYS: '30' }, { dataDir }));
    expect(await events('viejo')).toEqual([]);
    expect(await events('reciente')).toHaveLength(1);
    const close = t.close;
    t.close = async () => {
      await close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  });
});
