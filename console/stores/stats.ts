import { signal } from '@preact/signals';
import { ApiError, type Api } from '../lib/api.ts';
import { createPoller } from '../lib/poll.ts';
import type { Priority, TicketStatus } from '../lib/types.ts';

/** GET /api/estadisticas, as docs/api.md describes it. */
export interface Statistics {
  desde: string;
  hasta: string;
  total: number;
  por_estado: Record<TicketStatus, number>;
  por_prioridad: Record<Priority, number>;
  sin_leer: number;
  primera_respuesta_mediana_min: number | null;
  resolucion_mediana_h: number | null;
  valoraciones: number;
  satisfaccion_media: number | null;
  /** The period's tickets whose SLA clock is red: due and unmet, or met late. */
  sla_incumplidos: { primera_respuesta: number; resolucion: number };
  por_tecnico: { id: number; nombre: string; tickets: number; respuestas: number; primera_respuesta_mediana_min: number | null }[];
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** The dashboard's period and figures; refreshed every 5 s while the page is open. */
export function createStatsStore(api: Api, today = new Date()) {
  const desde = signal(isoDay(new Date(today.getTime() - 29 * 86_400_000)));
  const hasta = signal(isoDay(today));
  const stats = signal<Statistics | null>(null);
  const error = signal<string | null>(null);

  async function refresh() {
    const query = new URLSearchParams({ desde: desde.value, hasta: hasta.value });
    try {
      stats.value = await api.get<Statistics>(`/api/estadisticas?${query}`);
      error.value = null;
    } catch (failure) {
      error.value = failure instanceof ApiError ? failure.mensaje : 'No se pudieron cargar las estadísticas.';
    }
  }

  const poller = createPoller(refresh);
  return {
    desde,
    hasta,
    stats,
    error,
    refresh,
    setPeriod(from: string, to: string) {
      desde.value = from;
      hasta.value = to;
      return refresh();
    },
    start() {
      void refresh();
      poller.start();
    },
    stop: () => poller.stop(),
  };
}

export type StatsStore = ReturnType<typeof createStatsStore>;
