import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { createStickToBottom } from '../lib/scroll.ts';
import { useStores } from '../stores/context.ts';
import { MessageBubble } from './MessageBubble.tsx';

/** The conversation, oldest first; follows new messages only while the reader is at the bottom. */
export function MessageList({ readOnly }: { readOnly: boolean }) {
  const { chat } = useStores();
  const list = useRef<HTMLOListElement>(null);
  const follower = useMemo(() => createStickToBottom(), []);
  const entries = chat.entries.value;

  useLayoutEffect(() => {
    if (list.current) follower.afterUpdate(list.current);
  }, [entries]);

  if (!chat.loaded.value) {
    return <p class="messages__empty">{chat.loadError.value ?? 'Cargando conversación…'}</p>;
  }
  return (
    <>
      {chat.loadError.value && (
        <p class="banner banner--warning" role="status">
          No se pudo actualizar la conversación: {chat.loadError.value}
        </p>
      )}
      <ol
        ref={list}
        class="messages"
        role="log"
        aria-label="Conversación"
        tabIndex={0}
        data-testid="chat-messages"
        onScroll={(event) => follower.observe(event.currentTarget)}
      >
        {chat.hasOlder.value && (
          <li class="messages__older">
            <button type="button" class="button button--ghost button--small" onClick={() => void chat.loadOlder()}>
              Ver mensajes anteriores
            </button>
          </li>
        )}
        {entries.length === 0 && <li class="messages__empty">Aún no hay mensajes en este ticket.</li>}
        {entries.map((entry) => (
          <MessageBubble
            key={entry.id}
            entry={entry}
            readOnly={readOnly}
            resending={chat.resending.value.has(entry.id)}
            onResend={(id) => void chat.resend(id)}
          />
        ))}
      </ol>
    </>
  );
}
