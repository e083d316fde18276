import { shortTime } from '../lib/format.ts';
import { canResend, deliveryLabel, KIND_LABEL, SENDER } from '../lib/labels.ts';
import type { Entry } from '../lib/types.ts';

interface BubbleProps {
  entry: Entry;
  /** Historial is read-only: no Reenviar there. */
  readOnly: boolean;
  resending: boolean;
  onResend: (id: number) => void;
}

export function MessageBubble({ entry, readOnly, resending, onResend }: BubbleProps) {
  const sender = SENDER[entry.role] ?? SENDER.assistant;
  const media = entry.kind && entry.kind !== 'text' ? (KIND_LABEL[entry.kind] ?? KIND_LABEL.other) : null;
  return (
    <li class={`bubble bubble--${entry.role}`} data-testid="chat-entry" data-role={entry.role} data-id={entry.id}>
      <div class="bubble__meta">
        <span aria-hidden="true">{sender.icon}</span>
        <span class="bubble__who">{entry.author ?? sender.label}</span>
        <time dateTime={entry.timestamp}>{shortTime(entry.timestamp)}</time>
      </div>
      {media && <p class="bubble__media">📎 {media}</p>}
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
