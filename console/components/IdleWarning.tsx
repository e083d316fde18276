import { useEffect, useRef } from 'preact/hooks';
import { useStores } from '../stores/context.ts';
import { Modal } from './Modal.tsx';

/** Keys and clicks anywhere in the console count as the person being there. */
export function useActivityTracking() {
  const { idle } = useStores();
  useEffect(() => {
    const seen = () => idle.activity();
    const options = { capture: true, passive: true };
    window.addEventListener('pointerdown', seen, options);
    window.addEventListener('keydown', seen, options);
    return () => {
      window.removeEventListener('pointerdown', seen, options);
      window.removeEventListener('keydown', seen, options);
    };
  }, []);
}

/** A minute before the idle timeout: the person stays with one click, or is signed out. */
export function IdleWarning() {
  const { idle, session, toasts } = useStores();
  const stayButton = useRef<HTMLButtonElement>(null);
  const remaining = idle.remainingMs.value;
  if (!idle.warning.value || remaining === null) return null;
  const seconds = Math.max(0, Math.ceil(remaining / 1000));
  async function stay() {
    try {
      await idle.keepAlive();
    } catch {
      toasts.show('No se pudo avisar al servidor; si tu sesión terminó, vuelve a iniciar sesión.', 'error');
    }
  }
  return (
    <Modal title="¿Sigues ahí?" role="alertdialog" onClose={() => void stay()} initialFocus={stayButton} testId="idle-warning"
      footer={
        <>
          <button type="button" class="button button--ghost" onClick={() => void session.logout()}>Cerrar sesión</button>
          <button ref={stayButton} type="button" class="button button--success" onClick={() => void stay()}>Seguir conectado</button>
        </>
      }>
      <p>Por inactividad, tu sesión se cerrará en {seconds} s.</p>
    </Modal>
  );
}
