import type { RefObject } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { ACCEPT } from '../lib/upload.ts';
import { useStores } from '../stores/context.ts';
import { AttachmentPreview } from './AttachmentPreview.tsx';

/** The reply box: Enter sends, Shift+Enter starts a new line (Esc is the dialog's). */
export function ComposerBox({ textarea }: { textarea: RefObject<HTMLTextAreaElement> }) {
  const { chat } = useStores();
  const { draft, sending, notice, asNote, file, progress, attach, detach } = chat.composer;
  const inputId = useId();
  const hintId = useId();
  const picker = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  // A screenshot pasted into the box is attached; pasted text goes in as usual.
  function onPaste(event: ClipboardEvent) {
    const pasted = [...(event.clipboardData?.files ?? [])][0];
    if (!pasted) return;
    event.preventDefault();
    attach(pasted);
  }

  function onKeyDown(event: KeyboardEvent) {
    // isComposing: Enter that confirms an accented or IME character must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void chat.send();
    }
  }

  return (
    <form
      class={`composer${dragging ? ' composer--dragging' : ''}`}
      data-testid="composer"
      onSubmit={(event) => {
        event.preventDefault();
        void chat.send();
      }}
      onDragOver={(event) => {
        if (!event.dataTransfer?.types.includes('Files')) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(event) => {
        setDragging(false);
        const dropped = event.dataTransfer?.files[0];
        if (!dropped) return;
        event.preventDefault();
        attach(dropped);
      }}
    >
      <div class="composer__notice" role="status" data-testid="chat-notice">
        {notice.value && <p class={`banner banner--${notice.value.tone}`}>{notice.value.text}</p>}
      </div>
      <label for={inputId} class="visually-hidden">
        {asNote.value ? 'Nota interna' : 'Mensaje'}
      </label>
      <label class="composer__mode">
        <input type="checkbox" checked={asNote.value} onChange={(event) => (asNote.value = event.currentTarget.checked)} />
        Nota interna (solo la ve el equipo, no se envía por WhatsApp)
      </label>
      {file.value && <AttachmentPreview file={file.value} progress={progress.value} onRemove={detach} />}
      <div class="composer__row">
        <input
          ref={picker}
          type="file"
          accept={ACCEPT}
          class="visually-hidden"
          data-testid="attach-input"
          tabIndex={-1}
          onChange={(event) => {
            attach(event.currentTarget.files?.[0]);
            event.currentTarget.value = '';
          }}
        />
        <button
          type="button"
          class="button button--light"
          title="Adjuntar archivo"
          aria-label="Adjuntar archivo"
          disabled={sending.value}
          onClick={() => picker.current?.click()}
        >
          📎
        </button>
        <textarea
          ref={textarea}
          id={inputId}
          rows={2}
          class={asNote.value ? 'composer__input--note' : undefined}
          placeholder={asNote.value ? 'Escribe una nota interna…' : 'Escribe un mensaje…'}
          aria-describedby={hintId}
          value={draft.value}
          onInput={(event) => (draft.value = event.currentTarget.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <button type="submit" class="button button--success" disabled={sending.value}>
          <span aria-hidden="true">📤 </span>
          {sending.value ? 'Enviando…' : asNote.value ? 'Guardar nota' : 'Enviar'}
        </button>
      </div>
      <p id={hintId} class="composer__hint">
        Enter envía · Shift+Enter nueva línea · Esc cierra · 📎, arrastra o pega un archivo para adjuntarlo
      </p>
    </form>
  );
}
