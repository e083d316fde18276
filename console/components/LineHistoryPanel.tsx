import { useEffect } from 'preact/hooks';
import { longTime, ticketLabel } from '../lib/format.ts';
import { statusLabel } from '../lib/labels.ts';
import type { Ticket } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';
import { MessageBubble } from './MessageBubble.tsx';

/** The end user's earlier tickets and, for the one picked, its conversation, without leaving the chat. */
export function LineHistoryPanel({ ticket }: { ticket: Ticket }) {
  const { lineHistory } = useStores();
  useEffect(() => {
    void lineHistory.load(ticket.id);
    return lineHistory.reset;
  }, [ticket.id]);
  const list = lineHistory.tickets.value;
  const picked = lineHistory.picked.value;

  return (
    <aside class="line-history" aria-labelledby="line-history-title" data-testid="line-history">
      <h3 id="line-history-title">Tickets anteriores de {ticket.phone}</h3>
      {lineHistory.error.value && <p class="banner banner--error" role="alert">{lineHistory.error.value}</p>}
      {list === null && !lineHistory.error.value && <p class="muted">Cargando…</p>}
      {list?.length === 0 && <p class="muted">Este usuario no tiene tickets anteriores.</p>}
      {picked ? (
        <>
          <button type="button" class="button button--small button--light" onClick={() => void lineHistory.pick(null)}>
            ← Todos los anteriores
          </button>
          <h4>
            {ticketLabel(picked)} · {picked.subject}
          </h4>
          {lineHistory.entries.value === null ? (
            <p class="muted">Cargando conversación…</p>
          ) : (
            <ol class="messages line-history__chat" aria-label={`Conversación del ticket ${ticketLabel(picked)}`}>
              {lineHistory.entries.value.length === 0 && <li class="muted">Sin mensajes.</li>}
              {lineHistory.entries.value.map((entry) => (
                <MessageBubble key={entry.id} entry={entry} readOnly resending={false} onResend={() => undefined} />
              ))}
            </ol>
          )}
        </>
      ) : (
        <ul class="line-history__list">
          {list?.map((earlier) => (
            <li key={earlier.id}>
              <button type="button" class="line-history__item" onClick={() => void lineHistory.pick(earlier)}>
                <strong>{ticketLabel(earlier)}</strong> · {statusLabel(earlier.status)}
                <span class="line-history__subject">{earlier.subject}</span>
                <span class="muted">{longTime(earlier.createdAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
