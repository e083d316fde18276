import { describe, expect, it } from 'vitest';
import { createApi } from '../lib/api.ts';
import { auditActionLabel } from '../lib/labels.ts';
import { error, fakeServer } from '../testing/fake-server.ts';
import { createAuditStore, describeDetail, type AuditEvent } from './audit.ts';

const failed: AuditEvent = { id: 9, at: '2026-11-29T10:00:00.000Z', actor: 'ana', action: 'login_fallido', target: null, ip: '10.0.0.7', detail: null };

function setup(routes: Parameters<typeof fakeServer>[0] = {}) {
  const server = fakeServer({ 'GET /api/auditoria': { body: { eventos: [failed], hay_mas: true } }, ...routes });
  return { server, store: createAuditStore(createApi({ fetch: server.fetch }), 2) };
}

describe('the audit store', () => {
  it('loads the first page without filters', async () => {
    const { server, store } = setup();
    await store.load();
    expect(server.callsTo('GET /api/auditoria').map((call) => call.path)).toEqual(['/api/auditoria?pagina=1&por_pagina=2']);
    expect(store.events.value).toEqual([failed]);
    expect(store.hasMore.value).toBe(true);
  });

  it('sends only the filters that were filled, trimmed, and starts again at page 1', async () => {
    const { server, store } = setup();
    await store.goToPage(3);
    await store.filter({ accion: 'login_fallido', actor: ' ana ', desde: '2026-11-01', hasta: '' });
    expect(server.calls.at(-1)!.path).toBe('/api/auditoria?pagina=1&por_pagina=2&accion=login_fallido&actor=ana&desde=2026-11-01');
    expect(store.page.value).toBe(1);
    await store.goToPage(2);
    expect(server.calls.at(-1)!.path).toBe('/api/auditoria?pagina=2&por_pagina=2&accion=login_fallido&actor=ana&desde=2026-11-01');
    await store.clear();
    expect(server.calls.at(-1)!.path).toBe('/api/auditoria?pagina=1&por_pagina=2');
  });

  it('shows the server’s words on a refusal (a technician’s 403) and keeps what it had', async () => {
    const { server, store } = setup();
    await store.load();
    server.on('GET /api/auditoria', error(403, 'sin_permiso', 'Solo un administrador puede ver la auditoría.'));
    await store.load();
    expect(store.error.value).toBe('Solo un administrador puede ver la auditoría.');
    expect(store.events.value).toEqual([failed]);
  });

  it('lets a newer request win over a slower older one', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const { server, store } = setup();
    server.on('GET /api/auditoria?pagina=1&por_pagina=2&accion=logout', async () => {
      await slow;
      return { body: { eventos: [], hay_mas: false } };
    });
    const older = store.filter({ accion: 'logout' });
    await store.filter({ accion: 'login_fallido' });
    release();
    await older;
    expect(store.events.value).toEqual([failed]);
  });
});

describe('audit words', () => {
  it('names actions in Spanish and shows an unknown one as it came', () => {
    expect(auditActionLabel('login_fallido')).toBe('Inicio de sesión fallido');
    expect(auditActionLabel('algo_nuevo')).toBe('algo_nuevo');
  });

  it('writes the detail as words, export filters included', () => {
    expect(describeDetail(null)).toBe('');
    expect(describeDetail({ filtros: { status: 'open', q: 'impresora' } })).toBe('filtros: status=open, q=impresora');
    expect(describeDetail({ filtros: {} })).toBe('filtros: ninguno');
    expect(describeDetail({ iniciado_por: 'ana', notas: true })).toBe('iniciado por: ana; notas: sí');
  });
});
