import { signal } from '@preact/signals';
import { ApiError, type Api } from '../lib/api.ts';
import { createPoller } from '../lib/poll.ts';
import type { Statistics } from '../lib/types.ts';

export type { Statistics };

/**
 * The dashboard's period and figures; refreshed every 5 s while the page is open. The first
 * request names no dates: the service answers its last 30 days, counted in its own zone (the
 * browser's today may already be tomorrow there), and the page adopts that period.
 */
export function createStatsStore(api: Api) {
  const desde = signal('');
  const hasta = signal('');
  const stats = signal<Statistics | null>(null);
  const error = signal<string | null>(null);

  async function refresh() {
    const query = desde.value && hasta.value ? `?${new URLSearchParams({ desde: desde.value, hasta: hasta.value })}` : '';
    try {
      const answer = await api.get<Statistics>(`/api/estadisticas${query}`);
      if (!query) {
        if (desde.value) return; // a period was chosen while this answer was on its way
        [desde.value, hasta.value] = [answer.desde, answer.hasta];
      }
      stats.value = answer;
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
