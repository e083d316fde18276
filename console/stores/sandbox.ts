import { computed, signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import { newKey } from '../lib/format.ts';
import { sameLine } from '../lib/phone.ts';
import { createPoller } from '../lib/poll.ts';
import type { SimulatorSent } from '../lib/types.ts';

export interface PhoneMessage {
  id: string;
  direction: 'out' | 'in';
  body: string;
  at: string;
}

const PHONE_POLL_MS = 2000;

/**
 * The phone sandbox (simulator driver only): plays one end user. What this phone wrote is kept
 * here; what reached it comes from the simulator's record (GET /api/simulator/sent).
 */
export function createSandboxStore(api: Api) {
  const phone = signal('+5214771234567');
  const name = signal('Usuario de prueba');
  const draft = signal('');
  const written = signal<(PhoneMessage & { phone: string })[]>([]);
  const received = signal<SimulatorSent[]>([]);
  const error = signal<string | null>(null);
  const sending = signal(false);

  const thread = computed<PhoneMessage[]>(() => {
    const mine = written.value.filter((message) => sameLine(message.phone, phone.value));
    const replies = received.value
      .filter((record) => sameLine(record.to, phone.value))
      .map((record) => ({ id: record.id, direction: 'in' as const, body: record.body, at: record.at }));
    return [...mine, ...replies].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  });

  async function refresh() {
    try {
      received.value = await api.get<SimulatorSent[]>('/api/simulator/sent');
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  }

  async function send() {
    const body = draft.value.trim();
    if (!body || sending.value) return;
    sending.value = true;
    error.value = null;
    const id = `sandbox-${newKey()}`;
    try {
      const from = phone.value.trim();
      await api.post('/api/simulator/inbound', { from, body, id, name: name.value.trim() || undefined });
      written.value = [...written.value, { id, direction: 'out', body, at: new Date().toISOString(), phone: from }];
      draft.value = '';
    } catch (failure) {
      error.value = (failure as Error).message;
    } finally {
      sending.value = false;
    }
  }

  const poller = createPoller(refresh, PHONE_POLL_MS);
  return {
    phone,
    name,
    draft,
    thread,
    error,
    sending,
    send,
    refresh,
    start() {
      void refresh();
      poller.start();
    },
    stop: poller.stop,
  };
}

export type SandboxStore = ReturnType<typeof createSandboxStore>;
