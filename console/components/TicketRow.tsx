import { shortTime, ticketLabel } from '../lib/format.ts';
import { statusLabel } from '../lib/labels.ts';
import { slaText } from '../lib/sla.ts';
import type { SlaClock, Ticket } from '../lib/types.ts';
import type { TicketEdit } from '../stores/tickets.ts';
import { useStores } from '../stores/context.ts';
import { PresenceDot } from './PresenceDot.tsx';
import { CategorySelect, PrioritySelect } from './TicketFields.tsx';

export type RowAction = (ticket: Ticket, opener: HTMLElement) => void;

interface RowProps {
  ticket: Ticket;
  onChat: RowAction;
  onHistory: RowAction;
  onNotify: RowAction;
}

export function TicketRow({ ticket, onChat, onHistory, onNotify }: RowProps) {
  const who = ticket.name ?? 'Sin nombre';
  const { team, tickets, toasts } = useStores();
  const assignee = team.nameOf(ticket.assigneeId);
  // The button's visible words start its accessible name; the ticket number tells rows apart.
  const named = (action: string) => `${action} · ticket ${ticketLabel(ticket)}`;
  const edit = async (patch: TicketEdit) => {
    const refusal = await tickets.edit(ticket, patch);
    if (refusal) toasts.show(refusal, 'error');
  };
  return (
    <tr data-testid={`ticket-row-${ticket.id}`} class={ticket.unread > 0 ? 'row--unread' : undefined}>
      <td class="cell--number">{ticketLabel(ticket)}</td>
      <td>
        <div class="cell__main">{who}</div>
        <div class="cell__sub">{ticket.phone}</div>
      </td>
      <td class="cell--subject">
        <div class="cell__main">{ticket.subject}</div>
        <div class="cell__sub" data-testid="assignee">
          {assignee ? (
            <>
              Asignado a {assignee} <PresenceDot online={team.isOnline(ticket.assigneeId)} />
            </>
          ) : (
            'Sin asignar'
          )}
        </div>
      </td>
      <td>
        <CategorySelect value={ticket.category} label={named('Categoría')} onChange={(category) => void edit({ category })} />
      </td>
      <td>
        <span class={`pill pill--${ticket.status}`}>{statusLabel(ticket.status)}</span>
      </td>
      <td>
        <PrioritySelect value={ticket.priority} label={named('Prioridad')} onChange={(priority) => void edit({ priority })} />
      </td>
      <td class="cell--sla" data-testid="sla">
        <SlaClocks ticket={ticket} />
      </td>
      <td>{ticket.lastMessageAt ? <time dateTime={ticket.lastMessageAt}>{shortTime(ticket.lastMessageAt)}</time> : '—'}</td>
      <td class="cell--unread" data-testid="unread">
        {ticket.unread > 0 ? <span class="count">{ticket.unread}</span> : <span class="muted">0</span>}
      </td>
      <td>
        <div class="actions">
          <button type="button" class="button button--chat" aria-label={named('Chat en Vivo')} onClick={(e) => onChat(ticket, e.currentTarget)}>
            <span aria-hidden="true">💬 </span>Chat en Vivo
          </button>
          <button type="button" class="button button--history" aria-label={named('Historial')} onClick={(e) => onHistory(ticket, e.currentTarget)}>
            <span aria-hidden="true">📋 </span>Historial
          </button>
          <button type="button" class="button button--notify" aria-label={named('Notificar')} onClick={(e) => onNotify(ticket, e.currentTarget)}>
            <span aria-hidden="true">✅ </span>Notificar
          </button>
        </div>
      </td>
    </tr>
  );
}

/** Both SLA clocks: first response and resolution, each in words and in its colour. */
function SlaClocks({ ticket }: { ticket: Ticket }) {
  if (!ticket.sla) return <span class="muted">—</span>;
  const lines: [string, string, SlaClock][] = [
    ['respuesta', '1.ª respuesta', ticket.sla.primera_respuesta],
    ['resolucion', 'Resolución', ticket.sla.resolucion],
  ];
  return (
    <ul class="sla">
      {lines.map(([id, label, clock]) => {
        const { tone, text } = slaText(clock);
        return (
          <li key={id} class={`sla__clock sla--${tone}`} data-testid={`sla-${id}`}>
            <span class="sla__label">{label}:</span> {text}
          </li>
        );
      })}
    </ul>
  );
}
