import { signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import { createPoller } from '../lib/poll.ts';
import type { LinkStatus, LiveEvent } from '../lib/types.ts';

/**
 * The WhatsApp link as the console shows it. The server never sends technicians the QR; this
 * store drops it too for anyone but an admin, so no screen can show it by mistake.
 */
export function createWhatsAppStore(api: Api, isAdmin: () => boolean) {
  const status = signal<LinkStatus | null>(null);
  const error = signal<string | null>(null);
  const unlinking = signal(false);

  const visible = (next: LinkStatus): LinkStatus => {
    if (isAdmin()) return next;
    const { qr: _qr, qrImage: _qrImage, ...rest } = next;
    return rest;
  };

  async function refresh() {
    try {
      status.value = visible(await api.get<LinkStatus>('/api/whatsapp/status'));
      error.value = null;
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  }

  function applyEvent(event: LiveEvent) {
    if (event.type !== 'whatsapp') return;
    // Older servers' pushes carried no queue size; keep the last one until the next poll.
    const queued = event.status.queued ?? status.value?.queued ?? 0;
    status.value = visible({ ...event.status, queued });
  }

  /** Unlinks the number; true when the server took the order. */
  async function unlink(): Promise<boolean> {
    unlinking.value = true;
    try {
      await api.post('/api/whatsapp/logout');
      await refresh();
      return true;
    } catch (failure) {
      error.value = (failure as Error).message;
      return false;
    } finally {
      unlinking.value = false;
    }
  }

  /** Asks the service to link again after an unlink (a new QR follows); true when it took the order. */
  async function relink(): Promise<boolean> {
    try {
      await api.post('/api/whatsapp/connect');
      await refresh();
      return true;
    } catch (failure) {
      error.value = (failure as Error).message;
      return false;
    }
  }

  const poller = createPoller(refresh);
  return {
    status,
    error,
    unlinking,
    refresh,
    applyEvent,
    unlink,
    relink,
    start() {
      void refresh();
      poller.start();
    },
    stop() {
      poller.stop();
      status.value = null;
    },
  };
}

export type WhatsAppStore = ReturnType<typeof createWhatsAppStore>;
