// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStores, type AppStores } from '../stores/app.ts';
import { error, fakeServer } from '../testing/fake-server.ts';
import { FakeWebSocket } from '../testing/fake-socket.ts';
import { entry, ticket } from '../testing/fixtures.ts';
import { key, renderWith, settle } from '../testing/render.tsx';
import { ChatModal } from './ChatModal.tsx';

let app: AppStores;
let cleanup: () => void;
afterEach(() => {
  cleanup?.();
  app.dispose();
});

async function openChat(mode: 'chat' | 'history', historial = [entry({ id: 1, content: 'Mi laptop no enciende' })]) {
  const server = fakeServer({
    'GET /ticket/7/conversacion': { body: { historial } },
    'POST /api/tickets/7/leido': { status: 204 },
    'POST /ticket/7/enviar-mensaje': { body: { status: 'enviado' } },
    'POST /ticket/7/nota': { status: 201, body: { role: 'nota' } },
    'PATCH /api/tickets/7': { body: ticket({ assigneeId: 5 }) },
  });
  app = createAppStores({ fetch: server.fetch, WebSocket: FakeWebSocket, liveUrl: 'ws://x' });
  const opener = document.createElement('button');
  document.body.append(opener);
  opener.focus();
  app.chat.open(ticket(), mode);
  const view = renderWith(app, <ChatModal returnFocus={opener} />);
  cleanup = () => {
    view.unmount();
    opener.remove();
  };
  await settle();
  const dialog = view.container.querySelector<HTMLElement>('[role="dialog"]')!;
  return { server, dialog, opener, textarea: dialog.querySelector('textarea') };
}

describe('<ChatModal>', () => {
  it('is a labelled modal dialog with the ticket number, name and phone, focus in the text box', async () => {
    const { dialog, textarea } = await openChat('chat');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const title = document.getElementById(dialog.getAttribute('aria-labelledby')!)!;
    expect(title.textContent).toBe('Chat en Vivo · Ticket TKT-7AB3CD4E');
    expect(dialog.textContent).toContain('Juan Pérez · +5214771234567');
    expect(document.activeElement).toBe(textarea);
  });

  it.each(['chat', 'history'] as const)('offers the transcript as a PDF download (%s)', async (mode) => {
    const { dialog } = await openChat(mode);
    const link = [...dialog.querySelectorAll('a')].find((a) => a.textContent === 'Descargar PDF')!;
    expect(link.getAttribute('href')).toBe('/api/tickets/7/transcripcion.pdf');
    expect(link.hasAttribute('download')).toBe(true);
  });

  it('Enter sends, Shift+Enter does not', async () => {
    const { server, textarea } = await openChat('chat');
    app.chat.composer.draft.value = 'línea 1';
    key(textarea!, 'Enter', { shiftKey: true });
    await settle();
    expect(server.callsTo('POST /ticket/7/enviar-mensaje')).toHaveLength(0);
    key(textarea!, 'Enter');
    await settle();
    expect(server.callsTo('POST /ticket/7/enviar-mensaje')[0].body).toEqual({ mensaje: 'línea 1' });
    expect(textarea!.value).toBe('');
  });

  it('keeps the text and shows the reason when the server refuses it', async () => {
    const { server, dialog, textarea } = await openChat('chat');
    server.on('POST /ticket/7/enviar-mensaje', error(400, 'solicitud_invalida', 'mensaje: el mensaje no puede estar vacío'));
    app.chat.composer.draft.value = 'algo';
    key(textarea!, 'Enter');
    await settle();
    expect(textarea!.value).toBe('algo');
    expect(dialog.querySelector('[data-testid="chat-notice"]')!.textContent).toContain('no puede estar vacío');
  });

  it('Esc closes and gives focus back to the button that opened it', async () => {
    const { dialog, opener } = await openChat('chat');
    key(dialog, 'Escape');
    await settle();
    expect(app.chat.ticket.value).toBeNull();
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('Tab from the last control goes back to the first', async () => {
    const { dialog } = await openChat('chat');
    const controls = [...dialog.querySelectorAll<HTMLElement>('select, button:not([disabled]), textarea, [tabindex="0"]')];
    controls.at(-1)!.focus();
    key(dialog, 'Tab');
    expect(document.activeElement).toBe(controls[0]);
  });

  it('shows each delivery state in Spanish, with Reenviar for failed ones', async () => {
    const { dialog } = await openChat('chat', [
      entry({ id: 1, role: 'tecnico', delivery: 'read' }),
      entry({ id: 2, role: 'tecnico', delivery: 'failed', deliveryInfo: 'el número no tiene WhatsApp' }),
    ]);
    const states = [...dialog.querySelectorAll('[data-testid="delivery-state"]')].map((el) => el.textContent);
    expect(states).toEqual(['Leído', 'Falló']);
    const buttons = [...dialog.querySelectorAll('button')].filter((b) => b.textContent === 'Reenviar');
    expect(buttons).toHaveLength(1);
    expect(dialog.textContent).toContain('el número no tiene WhatsApp');
  });

  it('asks for notes and shows them apart, with their author; an assignment is a system line', async () => {
    const { server, dialog } = await openChat('chat', [
      entry({ id: 1, content: 'Hola' }),
      entry({ id: 2, role: 'nota', content: 'Ya reinició', author: 'Ana', autor: 'Ana' }),
      entry({ id: 3, role: 'nota', kind: 'sistema', content: 'Ticket asignado a Luis.', author: 'Ana', autor: 'Ana' }),
    ]);
    expect(server.calls.find((call) => call.path.startsWith('/ticket/7/conversacion'))!.path).toContain('notas=1');
    const note = dialog.querySelector('[data-role="nota"]')!;
    expect(note.className).toContain('bubble--nota');
    expect(note.textContent).toContain('Nota interna · Ana');
    expect(dialog.querySelector('[data-role="sistema"]')!.textContent).toContain('Ana: Ticket asignado a Luis.');
  });

  it('with "Nota interna" ticked, Enter stores a note instead of sending to WhatsApp', async () => {
    const { server, dialog, textarea } = await openChat('chat');
    const toggle = [...dialog.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')].find((box) => box.parentElement!.textContent!.includes('Nota interna'))!;
    toggle.click();
    await settle();
    app.chat.composer.draft.value = 'solo para el equipo';
    key(textarea!, 'Enter');
    await settle();
    expect(server.callsTo('POST /ticket/7/nota')[0].body).toEqual({ texto: 'solo para el equipo' });
    expect(server.callsTo('POST /ticket/7/enviar-mensaje')).toHaveLength(0);
    expect(textarea!.value).toBe('');
  });

  it('assigns from the chat header', async () => {
    const { server, dialog } = await openChat('chat');
    app.team.people.value = [{ id: 5, nombre: 'Luis Díaz' }];
    await settle();
    const select = [...dialog.querySelectorAll('select')].find((s) => s.textContent!.includes('Sin asignar'))!;
    select.value = '5';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(server.callsTo('PATCH /api/tickets/7')[0].body).toEqual({ assigneeId: 5 });
    expect(app.chat.ticket.value!.assigneeId).toBe(5);
  });

  it('Historial is read-only: no text box, no Reenviar, no status control', async () => {
    const { dialog } = await openChat('history', [entry({ id: 2, role: 'tecnico', delivery: 'failed' })]);
    expect(dialog.querySelector('textarea')).toBeNull();
    expect(dialog.querySelector('select')).toBeNull();
    expect([...dialog.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['Tickets anteriores', '✕']); // the end user's earlier tickets are read-only too
  });
});
