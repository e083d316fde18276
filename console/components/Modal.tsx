import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { focusableIn, wrapFocus } from '../lib/focus.ts';

interface ModalProps {
  title: ComponentChildren;
  subtitle?: ComponentChildren;
  onClose: () => void;
  /** Where focus goes back on close; the opening button, passed explicitly because the
   * dialog may replace another dialog (Notificar → confirmation). */
  returnFocus?: HTMLElement | null;
  initialFocus?: RefObject<HTMLElement>;
  role?: 'dialog' | 'alertdialog';
  size?: 'narrow' | 'wide';
  headerExtra?: ComponentChildren;
  footer?: ComponentChildren;
  children: ComponentChildren;
  testId?: string;
}

/** An accessible modal: labelled, focus moved in and kept inside, Esc closes, focus returns. */
export function Modal(props: ModalProps) {
  const { title, subtitle, onClose, role = 'dialog', size = 'narrow', headerExtra, footer, children, testId } = props;
  const dialog = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const subtitleId = useId();

  useEffect(() => {
    const opener = props.returnFocus ?? (document.activeElement as HTMLElement | null);
    const root = dialog.current!;
    (props.initialFocus?.current ?? focusableIn(root)[0] ?? root).focus();
    document.body.classList.add('modal-open');
    return () => {
      document.body.classList.remove('modal-open');
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    } else if (event.key === 'Tab') {
      const target = wrapFocus(focusableIn(dialog.current!), document.activeElement, event.shiftKey);
      if (target) {
        event.preventDefault();
        target.focus();
      }
    }
  }

  return (
    <div class="modal-backdrop" onMouseDown={(event) => event.target === event.currentTarget && role === 'dialog' && onClose()}>
      <div
        ref={dialog}
        class={`modal modal--${size}`}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={subtitle ? subtitleId : undefined}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <header class="modal__header">
          <div class="modal__titles">
            <h2 id={titleId}>{title}</h2>
            {subtitle && <p id={subtitleId} class="modal__subtitle">{subtitle}</p>}
          </div>
          {headerExtra && <div class="modal__extra">{headerExtra}</div>}
          <button type="button" class="icon-button" aria-label="Cerrar" onClick={onClose}>
            ✕
          </button>
        </header>
        <div class="modal__body">{children}</div>
        {footer && <footer class="modal__footer">{footer}</footer>}
      </div>
    </div>
  );
}
