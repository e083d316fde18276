import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { Modal } from './Modal.tsx';

interface ConfirmProps {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  tone?: 'primary' | 'danger' | 'success';
  busy?: boolean;
  busyLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
  returnFocus?: HTMLElement | null;
}

/** Our own confirmation (window.confirm cannot be styled, labelled or tested). A dangerous
 * action starts on Cancelar, so a stray Enter does not unlink WhatsApp. */
export function ConfirmDialog({ title, children, confirmLabel, tone = 'primary', busy, busyLabel = 'Procesando…', onConfirm, onCancel, returnFocus }: ConfirmProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  const footer = (
    <>
      <button ref={cancel} type="button" class="button button--ghost" onClick={onCancel}>
        Cancelar
      </button>
      <button ref={confirm} type="button" class={`button button--${tone}`} disabled={busy} onClick={onConfirm}>
        {busy ? busyLabel : confirmLabel}
      </button>
    </>
  );
  return (
    <Modal
      title={title}
      role="alertdialog"
      onClose={onCancel}
      returnFocus={returnFocus}
      initialFocus={tone === 'danger' ? cancel : confirm}
      footer={footer}
      testId="confirm-dialog"
    >
      {children}
    </Modal>
  );
}
