import { computed, effect, signal } from '@preact/signals';
import type { LiveEvent, Ticket } from '../lib/types.ts';

/** Where this browser remembers that its person asked for alerts. */
export const ALERTS_KEY = 'puente.avisos';
export const BASE_TITLE = 'Puente · Consola de soporte';

export interface AlertsDeps {
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  Notification?: typeof Notification | null;
  /** Plays the short alert sound (a Web Audio beep by default). */
  beep?: () => void;
  /** The ticket whose chat (or history) is open: its messages are being read, so they neither count nor alert while the page is visible. */
  openTicket?: () => number | null;
  /** Whether the page is on screen (document.visibilityState). */
  visible?: () => boolean;
  /** The document whose title shows the unread count. */
  document?: Pick<Document, 'title'> | null;
}

/**
 * New end-user messages catch the eye even when the tab is in the background: the unread count
 * goes into the tab title, and, once the person switches alerts on (a click: browsers only ask
 * for the notification permission on a gesture, and only then may a page play sound), each new
 * message shows a desktop notification and plays a short beep. The choice is remembered in this
 * browser (localStorage), never on the account: another machine may be a shared desk.
 */
export function createAlertsStore(deps: AlertsDeps = {}) {
  const storage = deps.storage === undefined ? safeStorage() : deps.storage;
  const Notify = deps.Notification === undefined ? (globalThis.Notification ?? null) : deps.Notification;
  const beep = deps.beep ?? webAudioBeep();
  const doc = deps.document === undefined ? (globalThis.document ?? null) : deps.document;
  const enabled = signal(storage?.getItem(ALERTS_KEY) === 'on');
  /** Unread end-user messages per ticket, from the table and from every pushed ticket change. */
  const unreadByTicket = signal<ReadonlyMap<number, number>>(new Map());
  const names = new Map<number, string>();
  const openTicket = deps.openTicket ?? (() => null);
  const visible = deps.visible ?? (() => globalThis.document?.visibilityState !== 'hidden');
  const unread = computed(() => {
    const open = openTicket();
    let sum = 0;
    for (const [id, n] of unreadByTicket.value) if (id !== open) sum += n;
    return sum;
  });
  const title = computed(() => (unread.value > 0 ? `(${unread.value}) ${BASE_TITLE}` : BASE_TITLE));

  // The tab title follows the count (and the chat being opened or closed) by itself.
  const stopTitle = effect(() => {
    if (doc) doc.title = title.value;
  });

  function noteTickets(tickets: readonly Ticket[]) {
    const next = new Map(unreadByTicket.peek()); // peek: called from an effect that must not depend on the count
    for (const ticket of tickets) remember(next, ticket);
    unreadByTicket.value = next;
  }

  function remember(into: Map<number, number>, ticket: Ticket) {
    names.set(ticket.id, ticket.name ?? ticket.phone);
    if (ticket.unread > 0) into.set(ticket.id, ticket.unread);
    else into.delete(ticket.id);
  }

  function alert(ticketId: number, text: string) {
    if (!enabled.value || (openTicket() === ticketId && visible())) return;
    try {
      beep();
    } catch {
      // No sound device, or the browser refused: the notification still tells.
    }
    if (!Notify || Notify.permission !== 'granted') return;
    try {
      const who = names.get(ticketId) ?? `Ticket ${ticketId}`;
      // One notification per ticket: a burst of messages replaces, not piles up.
      new Notify(`Nuevo mensaje de ${who}`, { body: text.slice(0, 200), tag: `puente-ticket-${ticketId}` });
    } catch {
      // Some browsers (Android Chrome) only notify through a service worker; the title still counts.
    }
  }

  return {
    enabled,
    unread,
    title,
    /** Whether this browser can show desktop notifications at all. */
    supported: Notify !== null,
    /** Refused in the browser's settings: only the person can undo it there. */
    blocked: () => Notify?.permission === 'denied',
    noteTickets,
    applyEvent(event: LiveEvent) {
      if (event.type === 'ticket') noteTickets([event.ticket]);
      if (event.type === 'message' && event.entry.role === 'user') {
        const text = event.entry.content || (event.entry.adjunto ? `📎 ${event.entry.adjunto.nombre}` : 'Mensaje nuevo');
        alert(event.ticketId, text);
      }
    },
    /** The switch's click: asks for the permission here, inside the gesture, and remembers. */
    async enable() {
      enabled.value = true;
      storage?.setItem(ALERTS_KEY, 'on');
      if (Notify && Notify.permission === 'default') await Notify.requestPermission().catch(() => undefined);
    },
    disable() {
      enabled.value = false;
      storage?.removeItem(ALERTS_KEY);
    },
    /** Signed out: the title no longer counts someone else's messages. */
    reset() {
      unreadByTicket.value = new Map();
      names.clear();
    },
    dispose: stopTitle,
  };
}

export type AlertsStore = ReturnType<typeof createAlertsStore>;

function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled by policy: alerts then last for the page only
  }
}

/** A 180 ms, 880 Hz tone with a soft start and end (no file to fetch, nothing to license). */
function webAudioBeep(): () => void {
  let context: AudioContext | null = null;
  return () => {
    const Context = globalThis.AudioContext;
    if (!Context) return;
    context ??= new Context();
    if (context.state === 'suspended') void context.resume();
    const now = context.currentTime;
    const tone = context.createOscillator();
    const volume = context.createGain();
    tone.frequency.value = 880;
    volume.gain.setValueAtTime(0.0001, now);
    volume.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, now + 0.18);
    tone.connect(volume).connect(context.destination);
    tone.start(now);
    tone.stop(now + 0.2);
  };
}
