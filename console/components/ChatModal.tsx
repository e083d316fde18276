import { ticketLabel } from '../lib/format.ts';
import { useId, useRef, useState } from 'preact/hooks';
import { priorityLabel, STATUS_LABEL, statusLabel } from '../lib/labels.ts';
import { STATUSES, type TicketStatus } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';
import { ComposerBox } from './ComposerBox.tsx';
import { MessageList } from './MessageList.tsx';
import { LineHistoryPanel } from './LineHistoryPanel.tsx';
import { PresenceDot } from './PresenceDot.tsx';
import { Modal } from './Modal.tsx';
import { CategorySelect, PrioritySelect } from './TicketFields.tsx';

/** Chat en Vivo and Historial: one dialog, the history without a reply box or actions. */
export function ChatModal({ returnFocus }: { returnFocus: HTMLElement | null }) {
  const { chat, team } = useStores();
  const assigneeId = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const statusId = useId();
  const priorityId = useId();
  const categoryId = useId();
  // The end user's earlier tickets open beside the chat, on demand (one request per opening).
  const [showEarlier, setShowEarlier] = useState(false);
  const ticket = chat.ticket.value;
  const mode = chat.mode.value;
  if (!ticket || !mode) return null;
  const live = mode === 'chat';

  const statusControl = live ? (
    <div class="modal__status">
      <label for={statusId}>Estado</label>
      <select
        id={statusId}
        value={ticket.status}
        onChange={(event) => void chat.setStatus(event.currentTarget.value as TicketStatus)}
      >
        {STATUSES.map((status) => (
          <option key={status} value={status}>
            {STATUS_LABEL[status]}
          </option>
        ))}
      </select>
    </div>
  ) : (
    <span class={`pill pill--${ticket.status}`}>{statusLabel(ticket.status)}</span>
  );

  const assigneeControl = live ? (
    <div class="modal__status">
      <label for={assigneeId}>Asignado a</label>
      <select
        id={assigneeId}
        value={ticket.assigneeId === null ? '' : String(ticket.assigneeId)}
        onChange={(event) => void chat.setAssignee(event.currentTarget.value ? Number(event.currentTarget.value) : null)}
      >
        <option value="">Sin asignar</option>
        {team.people.value.map((person) => (
          <option key={person.id} value={String(person.id)}>
            {person.nombre}
            {person.en_linea ? ' (en línea)' : ''}
          </option>
        ))}
      </select>
    </div>
  ) : (
    <span class="muted">
      {team.nameOf(ticket.assigneeId) ?? 'Sin asignar'} {ticket.assigneeId !== null && <PresenceDot online={team.isOnline(ticket.assigneeId)} />}
    </span>
  );

  // Priority and category are read in the history, changed in the live chat.
  const fieldControls = live ? (
    <>
      <div class="modal__status">
        <label for={priorityId}>Prioridad</label>
        <PrioritySelect id={priorityId} value={ticket.priority} onChange={(priority) => void chat.setPriority(priority)} />
      </div>
      <div class="modal__status">
        <label for={categoryId}>Categoría</label>
        <CategorySelect id={categoryId} value={ticket.category} onChange={(category) => void chat.setCategory(category)} />
      </div>
    </>
  ) : (
    <span class="muted">{[priorityLabel(ticket.priority), ticket.category ?? 'Sin categoría'].join(' · ')}</span>
  );

  return (
    <Modal
      title={`${live ? 'Chat en Vivo' : 'Historial'} · Ticket ${ticketLabel(ticket)}`}
      subtitle={`${ticket.name ?? 'Sin nombre'} · ${ticket.phone}`}
      onClose={chat.close}
      returnFocus={returnFocus}
      initialFocus={live ? textarea : undefined}
      size="wide"
      headerExtra={
        <>
          {ticket.rating !== null && ticket.rating !== undefined && (
            <span class="rating" data-testid="rating" title="Respuesta del usuario a la encuesta de satisfacción">
              Valoración: {ticket.rating} de 5{' '}
              <span aria-hidden="true">{'★'.repeat(ticket.rating) + '☆'.repeat(5 - ticket.rating)}</span>
            </span>
          )}
          {fieldControls}
          {assigneeControl}
          {statusControl}
          <button type="button" class="button button--ghost button--small" aria-expanded={showEarlier}
            onClick={() => setShowEarlier(!showEarlier)}>
            Tickets anteriores
          </button>
          <a class="button button--ghost button--small" href={`/api/tickets/${ticket.id}/transcripcion.pdf`} download>
            Descargar PDF
          </a>
        </>
      }
      footer={live ? <ComposerBox textarea={textarea} /> : undefined}
      testId={live ? 'chat-modal' : 'history-modal'}
    >
      {showEarlier ? (
        <div class="chat-with-history">
          <div class="chat-with-history__main">
            <MessageList readOnly={!live} />
          </div>
          <LineHistoryPanel ticket={ticket} />
        </div>
      ) : (
        <MessageList readOnly={!live} />
      )}
    </Modal>
  );
}
