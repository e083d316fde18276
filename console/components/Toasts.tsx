import { useStores } from '../stores/context.ts';

export function Toasts() {
  const { toasts } = useStores();
  return (
    <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.toasts.value.map((toast) => (
        <div key={toast.id} class={`toast toast--${toast.tone}`}>
          <span>{toast.text}</span>
          <button type="button" class="icon-button" aria-label="Descartar aviso" onClick={() => toasts.dismiss(toast.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
