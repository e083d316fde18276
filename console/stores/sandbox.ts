import { computed, signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import { newKey } from '../lib/format.ts';
import { sameLine } from '../../server/contract/phone.ts';
import { createPoller } from '../lib/poll.ts';
import type { SimulatorSent } from '../lib/types.ts';

export interface PhoneMessage {
  id: string;
  direction: 'out' | 'in';
  body: string;
  at: string;
  /** The name of a file this message carried (a photo the phone sent, or a file it received). */
  file?: string;
}

/** WhatsApp's own bound on what a phone sends as a photo is larger, but the simulator takes 16 MB of JSON. */
export const SANDBOX_MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/** A file's bytes as base64, in slices so a large photo does not overflow the argument list. */
async function toBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
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
      .map((record) => ({ id: record.id, direction: 'in' as const, body: record.body, at: record.at, file: record.media?.filename }));
    return [...mine, ...replies].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  });

  async function refresh() {
    try {
      received.value = await api.get<SimulatorSent[]>('/api/simulator/sent');
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  }

  /** Writes as the end user: the draft, or a photo with the draft as its caption. */
  async function send(photo?: File) {
    const body = draft.value.trim();
    if ((!body && !photo) || sending.value) return;
    if (photo && !photo.type.startsWith('image/')) {
      error.value = 'Elige una imagen (JPG, PNG, GIF o WebP).';
      return;
    }
    if (photo && photo.size > SANDBOX_MAX_PHOTO_BYTES) {
      error.value = 'La foto supera los 10 MB que acepta el teléfono de prueba.';
      return;
    }
    sending.value = true;
    error.value = null;
    const id = `sandbox-${newKey()}`;
    try {
      const from = phone.value.trim();
      const media = photo ? { base64: await toBase64(photo), mimetype: photo.type, filename: photo.name || undefined } : undefined;
      await api.post('/api/simulator/inbound', { from, body: body || undefined, id, name: name.value.trim() || undefined, media });
      const file = photo ? photo.name || 'foto' : undefined;
      written.value = [...written.value, { id, direction: 'out', body, at: new Date().toISOString(), phone: from, file }];
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
