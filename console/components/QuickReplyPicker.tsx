import type { QuickReply } from '../lib/types.ts';

interface PickerProps {
  id: string;
  options: QuickReply[];
  active: number;
  onPick: (reply: QuickReply) => void;
}

/** The `/` list under the chat box: a listbox the textarea drives (aria-activedescendant), so focus stays in the box. */
export function QuickReplyPicker({ id, options, active, onPick }: PickerProps) {
  return (
    <ul id={id} role="listbox" class="slash-picker" aria-label="Respuestas rápidas" data-testid="quick-reply-picker">
      {options.length === 0 && <li class="slash-picker__empty">Ninguna respuesta rápida coincide.</li>}
      {options.map((reply, index) => (
        <li
          key={reply.id}
          id={`${id}-${reply.id}`}
          role="option"
          aria-selected={index === active}
          class={`slash-picker__option${index === active ? ' slash-picker__option--active' : ''}`}
          // mousedown, not click: the textarea keeps focus and its caret.
          onMouseDown={(event) => {
            event.preventDefault();
            onPick(reply);
          }}
        >
          <strong>{reply.titulo}</strong>
          <span class="slash-picker__text">{reply.texto}</span>
        </li>
      ))}
    </ul>
  );
}
