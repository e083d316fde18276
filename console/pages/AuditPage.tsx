import { useEffect, useMemo } from 'preact/hooks';
import { longTime } from '../lib/format.ts';
import { AUDIT_ACTION_LABEL, auditActionLabel } from '../lib/labels.ts';
import { createAuditStore, describeDetail, type AuditStore } from '../stores/audit.ts';
import { useStores } from '../stores/context.ts';

/** Auditoría: who did what, when and from where (GET /api/auditoria). Admins only; a technician gets a notice and no request. */
export default function AuditPage() {
  const { api, session } = useStores();
  const admin = session.isAdmin.value;
  const store = useMemo(() => createAuditStore(api), [api]);
  useEffect(() => {
    if (admin) void store.load();
  }, [admin, store]);

  if (!admin) {
    return (
      <section class="page" aria-labelledby="audit-title">
        <h1 id="audit-title">Auditoría</h1>
        <p class="banner banner--info" data-testid="audit-admin-only">
          Esta página es solo para administradores.
        </p>
      </section>
    );
  }
  return (
    <section class="page" aria-labelledby="audit-title">
      <div class="page__header page__header--stack">
        <h1 id="audit-title">Auditoría</h1>
        <p class="muted">Inicios de sesión, cambios de cuentas y tokens, vinculación de WhatsApp y exportes: quién, cuándo y desde dónde. Fechas en días completos, hora UTC.</p>
      </div>
      <AuditFilterForm store={store} />
      {store.error.value && <p class="banner banner--error" role="alert">{store.error.value}</p>}
      <AuditTable store={store} />
    </section>
  );
}

function AuditFilterForm({ store }: { store: AuditStore }) {
  const current = store.filters.value;
  return (
    <form
      class="filters audit__filters"
      aria-label="Filtros de auditoría"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const text = (name: string) => String(form.get(name) ?? '');
        void store.filter({ accion: text('accion'), actor: text('actor'), desde: text('desde'), hasta: text('hasta') });
      }}
    >
      <div class="field">
        <label for="audit-accion">Acción</label>
        <select id="audit-accion" name="accion" value={current.accion}>
          <option value="">Todas</option>
          {Object.entries(AUDIT_ACTION_LABEL).map(([word, label]) => (
            <option key={word} value={word}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="audit-actor">Usuario</label>
        <input id="audit-actor" name="actor" type="search" maxLength={100} value={current.actor} placeholder="p. ej. admin" />
      </div>
      <div class="field">
        <label for="audit-desde">Desde</label>
        <input id="audit-desde" name="desde" type="date" value={current.desde} />
      </div>
      <div class="field">
        <label for="audit-hasta">Hasta</label>
        <input id="audit-hasta" name="hasta" type="date" value={current.hasta} />
      </div>
      <div class="audit__filter-buttons">
        <button type="submit" class="button">Filtrar</button>
        <button type="button" class="button button--light" onClick={() => void store.clear()}>
          Quitar filtros
        </button>
      </div>
    </form>
  );
}

function AuditTable({ store }: { store: AuditStore }) {
  const events = store.events.value;
  if (!events) return <p role="status">Cargando…</p>;
  const page = store.page.value;
  return (
    <div class="card audit__card">
      <table class="tickets" data-testid="audit-table">
        <caption class="visually-hidden">Eventos de auditoría, los más recientes primero</caption>
        <thead>
          <tr>
            <th scope="col">Cuándo</th>
            <th scope="col">Quién</th>
            <th scope="col">Acción</th>
            <th scope="col">Objetivo</th>
            <th scope="col">Desde dónde</th>
            <th scope="col">Detalle</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 && (
            <tr>
              <td colSpan={6} class="muted">
                No hay eventos con estos filtros.
              </td>
            </tr>
          )}
          {events.map((event) => (
            <tr key={event.id} data-testid={`audit-row-${event.id}`}>
              <td>
                <time dateTime={event.at}>{longTime(event.at)}</time>
              </td>
              <td>{event.actor ?? '—'}</td>
              <td>{auditActionLabel(event.action)}</td>
              <td>{event.target ?? '—'}</td>
              <td>{event.ip ?? '—'}</td>
              <td>{describeDetail(event.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(page > 1 || store.hasMore.value) && (
        <nav class="pager" aria-label="Páginas de auditoría">
          <button type="button" class="button button--small button--light" disabled={page === 1} onClick={() => void store.goToPage(page - 1)}>
            ← Más recientes
          </button>
          <span data-testid="audit-page">Página {page}</span>
          <button type="button" class="button button--small button--light" disabled={!store.hasMore.value} onClick={() => void store.goToPage(page + 1)}>
            Anteriores →
          </button>
        </nav>
      )}
    </div>
  );
}
