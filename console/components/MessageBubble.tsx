import { shortTime } from '../lib/format.ts';
import { canResend, deliveryLabel, KIND_LABEL, SENDER } from '../lib/labels.ts';
import type { Entry } from '../lib/types.ts';
import { EntryAttachment } from './EntryAttachment.tsx';

interface BubbleProps {
  entry: Entry;
  /** Historial is read-only: no Reenviar there. */
  readOnly: boolean;
  resending: boolean;
  onResend: (id: number) => void;
}

export function MessageBubble({ entry, readOnly, resending, onResend }: BubbleProps) {
  const sender = SENDER[entry.role] ?? SENDER.assistant;
  if (entry.role === 'nota' && entry.kind === 'sistema') {
    // An assignment change: a line across the chat, not a bubble (who, what, when).
    return (
      <li class="chat-system" data-testid="chat-entry" data-role="sistema" data-id={entry.id}>
        <span>{entry.autor ?? 'Sistema'}: {entry.content}</span> <time dateTime={entry.timestamp}>{shortTime(entry.timestamp)}</time>
      </li>
    );
  }
  // The kind's label stands in for a file only until the file itself is shown.
  const carries = Boolean(entry.adjunto || entry.ubicacion || entry.contacto);
  const media = !carries && entry.kind && entry.kind !== 'text' ? (KIND_LABEL[entry.kind] ?? KIND_LABEL.other) : null;
  return (
    <li class={`bubble bubble--${entry.role}`} data-testid="chat-entry" data-role={entry.role} data-id={entry.id}>
      <div class="bubble__meta">
        <span aria-hidden="true">{sender.icon}</span>
        <span class="bubble__who">{entry.role === 'nota' ? `${sender.label} · ${entry.autor ?? entry.author ?? ''}` : (entry.author ?? sender.label)}</span>
        <time dateTime={entry.timestamp}>{shortTime(entry.timestamp)}</time>
      </div>
      {media && !entry.adjunto_pendiente && <p class="bubble__media">📎 {media}</p>}
      <EntryAttachment entry={entry} />
      {entry.content && <p class="bubble__text">{entry.content}</p>}
      {entry.delivery && (
        <div class={`delivery delivery--${entry.delivery}`}>
          <span data-testid="delivery-state">{deliveryLabel(entry.delivery)}</span>
          {entry.deliveryInfo && <span class="delivery__info">{entry.deliveryInfo}</span>}
          {!readOnly && canResend(entry.delivery) && (
            <button type="button" class="button button--small button--light" disabled={resending} onClick={() => onResend(entry.id)}>
              {resending ? 'Reenviando…' : 'Reenviar'}
            </button>
          )}
        </div>
      )}
    </li>
  );
}
