import { describe, expect, it } from 'vitest';
import { entry, ticket } from '../testing/fixtures.ts';
import { ALERTS_KEY, BASE_TITLE, createAlertsStore } from './alerts.ts';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

/** Records what a page would have shown, with the permission the browser holds. */
function fakeNotification(permission: NotificationPermission) {
  const shown: { title: string; body?: string; tag?: string }[] = [];
  const asked: number[] = [];
  class Recorder {
    static permission = permission;
    static async requestPermission() {
      asked.push(1);
      Recorder.permission = 'granted';
      return 'granted' as const;
    }
    constructor(title: string, options: NotificationOptions = {}) {
      shown.push({ title, body: options.body, tag: options.tag });
    }
  }
  return { Notification: Recorder as unknown as typeof Notification, shown, asked };
}

const inbound = (ticketId: number, content: string) => ({ type: 'message' as const, ticketId, entry: entry({ id: Math.random(), role: 'user', content }) });

describe('alerts on new end-user messages', () => {
  it('shows the unread total in the title, across pushed tickets, and drops it as chats are read', () => {
    const doc = { title: BASE_TITLE };
    const alerts = createAlertsStore({ storage: memoryStorage(), Notification: null, beep: () => {}, document: doc });
    alerts.noteTickets([ticket({ id: 1, unread: 2 }), ticket({ id: 2, unread: 0 })]);
    expect(doc.title).toBe(`(2) ${BASE_TITLE}`);
    alerts.applyEvent({ type: 'ticket', ticket: ticket({ id: 3, unread: 1 }) });
    expect(doc.title).toBe(`(3) ${BASE_TITLE}`);
    alerts.applyEvent({ type: 'ticket', ticket: ticket({ id: 1, unread: 0 }) });
    expect(doc.title).toBe(`(1) ${BASE_TITLE}`);
    alerts.noteTickets([ticket({ id: 3, unread: 0 })]);
    expect(doc.title).toBe(BASE_TITLE);
  });

  it('stays silent until switched on; the switch asks for the permission and is remembered', async () => {
    const storage = memoryStorage();
    const fake = fakeNotification('default');
    let beeps = 0;
    const alerts = createAlertsStore({ storage, Notification: fake.Notification, beep: () => beeps++, document: null });
    alerts.noteTickets([ticket({ id: 4, name: 'Rosa Luna' })]);
    alerts.applyEvent(inbound(4, 'hola'));
    expect([fake.shown, fake.asked, beeps]).toEqual([[], [], 0]);

    await alerts.enable();
    expect(fake.asked).toHaveLength(1);
    expect(storage.items.get(ALERTS_KEY)).toBe('on');
    alerts.applyEvent(inbound(4, 'sigue sin imprimir'));
    expect(fake.shown).toEqual([{ title: 'Nuevo mensaje de Rosa Luna', body: 'sigue sin imprimir', tag: 'puente-ticket-4' }]);
    expect(beeps).toBe(1);

    // A technician's own reply or a bot line is no alert.
    alerts.applyEvent({ type: 'message', ticketId: 4, entry: entry({ id: 9, role: 'tecnico', content: 'voy' }) });
    expect(fake.shown).toHaveLength(1);

    // Another page load in this browser remembers; switching off forgets.
    const again = createAlertsStore({ storage, Notification: fake.Notification, beep: () => {}, document: null });
    expect(again.enabled.value).toBe(true);
    again.disable();
    expect(storage.items.has(ALERTS_KEY)).toBe(false);
    expect(createAlertsStore({ storage, Notification: fake.Notification, beep: () => {}, document: null }).enabled.value).toBe(false);
  });

  it('no alert for the chat the person is looking at; sound still plays when notifications are denied', () => {
    const fake = fakeNotification('denied');
    let beeps = 0;
    const alerts = createAlertsStore({
      storage: memoryStorage({ [ALERTS_KEY]: 'on' }),
      Notification: fake.Notification,
      beep: () => beeps++,
      openTicket: () => 5,
      visible: () => true,
      document: null,
    });
    alerts.applyEvent(inbound(5, 'lo ves ya'));
    expect(beeps).toBe(0);
    alerts.applyEvent(inbound(6, 'otro ticket'));
    expect(beeps).toBe(1);
    expect(fake.shown).toEqual([]);
    expect(alerts.blocked()).toBe(true);
  });
});
