import { signal } from '@preact/signals';
import { ApiError, type Api } from '../lib/api.ts';
import type { AuditEvent, AuditPage } from '../lib/types.ts';

export type { AuditEvent };

export interface AuditFilters {
  accion: string;
  actor: string;
  desde: string;
  hasta: string;
}

const NO_FILTERS: AuditFilters = { accion: '', actor: '', desde: '', hasta: '' };
const PER_PAGE = 50;

/** The Auditoría page: filters, the page shown and its events. Loaded on demand, not polled: a log is read, not watched. */
export function createAuditStore(api: Api, perPage = PER_PAGE) {
  const filters = signal<AuditFilters>(NO_FILTERS);
  const page = signal(1);
  const events = signal<AuditEvent[] | null>(null);
  const hasMore = signal(false);
  const error = signal<string | null>(null);
  let asked = 0;

  async function load() {
    const query = new URLSearchParams({ pagina: String(page.value), por_pagina: String(perPage) });
    for (const [name, value] of Object.entries(filters.value)) if (value.trim()) query.set(name, value.trim());
    const mine = ++asked; // a slow answer to an older filter must not replace a newer one
    try {
      const answer = await api.get<AuditPage>(`/api/auditoria?${query}`);
      if (mine !== asked) return;
      events.value = answer.eventos;
      hasMore.value = answer.hay_mas;
      error.value = null;
    } catch (failure) {
      if (mine !== asked) return;
      error.value = failure instanceof ApiError ? failure.mensaje : 'No se pudo cargar la auditoría.';
    }
  }

  return {
    filters,
    page,
    events,
    hasMore,
    error,
    load,
    /** New filters start again at the first page. */
    filter(next: Partial<AuditFilters>) {
      filters.value = { ...filters.value, ...next };
      page.value = 1;
      return load();
    },
    clear() {
      filters.value = NO_FILTERS;
      page.value = 1;
      return load();
    },
    goToPage(n: number) {
      page.value = Math.max(1, n);
      return load();
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;

/** The detail column in words: "filtros: status=open, q=impresora" rather than raw JSON. */
export function describeDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .map(([key, value]) => `${key.replaceAll('_', ' ')}: ${value !== null && typeof value === 'object' ? describeFlat(value as Record<string, unknown>) : word(value)}`)
    .join('; ');
}

const word = (value: unknown) => (value === true ? 'sí' : value === false ? 'no' : String(value));

/** An export without filters says so: "ninguno", not an empty cell that looks like missing data. */
const describeFlat = (value: Record<string, unknown>) =>
  Object.entries(value)
    .map(([key, inner]) => `${key}=${typeof inner === 'object' && inner !== null ? JSON.stringify(inner) : word(inner)}`)
    .join(', ') || 'ninguno';
