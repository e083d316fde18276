import type { RefObject } from 'preact';
import { useId } from 'preact/hooks';
import { useStores } from '../stores/context.ts';

/** The reply box: Enter sends, Shift+Enter starts a new line (Esc is the dialog's). */
export function ComposerBox({ textarea }: { textarea: RefObject<HTMLTextAreaElement> }) {
  const { chat } = useStores();
  const { draft, sending, notice } = chat.composer;
  const inputId = useId();
  const hintId = useId();

  function onKeyDown(event: KeyboardEvent) {
    // isComposing: Enter that confirms an accented or IME character must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void chat.send();
    }
  }

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void chat.send();
      }}
    >
      <div class="composer__notice" role="status" data-testid="chat-notice">
        {notice.value && <p class={`banner banner--${notice.value.tone}`}>{notice.value.text}</p>}
      </div>
      <label for={inputId} class="visually-hidden">
        Mensaje
      </label>
      <div class="composer__row">
        <textarea
          ref={textarea}
          id={inputId}
          rows={2}
          placeholder="Escribe un mensaje…"
          aria-describedby={hintId}
          value={draft.value}
          onInput={(event) => (draft.value = event.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" class="button button--success" disabled={sending.value}>
          <span aria-hidden="true">📤 </span>
          {sending.value ? 'Enviando…' : 'Enviar'}
        </button>
      </div>
      <p id={hintId} class="composer__hint">
        Enter envía · Shift+Enter nueva línea · Esc cierra
      </p>
    </form>
  );
}
