import type { RefObject } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { insertReply, matchReplies, slashQuery, type SlashQuery } from '../lib/slash.ts';
import type { QuickReply } from '../lib/types.ts';
import { ACCEPT } from '../lib/upload.ts';
import { useStores } from '../stores/context.ts';
import { AttachmentPreview } from './AttachmentPreview.tsx';
import { QuickReplyPicker } from './QuickReplyPicker.tsx';

/** The reply box: Enter sends, Shift+Enter starts a new line (Esc is the dialog's). */
export function ComposerBox({ textarea }: { textarea: RefObject<HTMLTextAreaElement> }) {
  const { chat, replies } = useStores();
  const { draft, sending, notice, asNote, file, progress, attach, detach } = chat.composer;
  const inputId = useId();
  const hintId = useId();
  const listId = useId();
  const picker = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [slash, setSlash] = useState<SlashQuery | null>(null);
  const [active, setActive] = useState(0);
  const options = slash ? matchReplies(replies.list.value ?? [], slash.query) : [];

  function onInput(event: Event) {
    const box = event.currentTarget as HTMLTextAreaElement;
    draft.value = box.value;
    const next = slashQuery(box.value, box.selectionStart);
    if (next && !slash) void replies.load(); // the newest list, as an admin may just have edited it
    setSlash(next);
    setActive(0);
  }

  function pick(reply: QuickReply) {
    const box = textarea.current;
    if (!slash || !box) return;
    const next = insertReply(draft.value, slash, box.selectionStart, reply.texto);
    draft.value = next.text;
    setSlash(null);
    // After Preact writes the new value, put the caret right after the inserted text.
    requestAnimationFrame(() => box.setSelectionRange(next.caret, next.caret));
  }

  /** While the `/` list is open the arrows move in it, Enter or Tab insert, Esc closes only the list. */
  function pickerKey(event: KeyboardEvent): boolean {
    if (!slash) return false;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves && options.length) {
      setActive((active + moves[event.key] + options.length) % options.length);
    } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && options[active]) {
      pick(options[active]);
    } else if (event.key === 'Escape') {
      setSlash(null);
    } else {
      return false;
    }
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  // A screenshot pasted into the box is attached; pasted text goes in as usual.
  function onPaste(event: ClipboardEvent) {
    const pasted = [...(event.clipboardData?.files ?? [])][0];
    if (!pasted) return;
    event.preventDefault();
    attach(pasted);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (pickerKey(event)) return;
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
      {slash && <QuickReplyPicker id={listId} options={options} active={active} onPick={pick} />}
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
          aria-autocomplete="list"
          aria-controls={slash ? listId : undefined}
          aria-activedescendant={slash && options[active] ? `${listId}-${options[active].id}` : undefined}
          value={draft.value}
          onInput={onInput}
          onBlur={() => setSlash(null)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
        />
        <button type="submit" class="button button--success" disabled={sending.value}>
          <span aria-hidden="true">📤 </span>
          {sending.value ? 'Enviando…' : asNote.value ? 'Guardar nota' : 'Enviar'}
        </button>
      </div>
      <p id={hintId} class="composer__hint">
        Enter envía · Shift+Enter nueva línea · / respuestas rápidas · Esc cierra · 📎, arrastra o pega un archivo para adjuntarlo
      </p>
    </form>
  );
}
