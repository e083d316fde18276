import { useEffect, useRef, useState } from 'preact/hooks';
import { useStores } from '../stores/context.ts';
import { Modal } from './Modal.tsx';

/** "Mi cuenta": change one's own password, end one's other sessions. */
export function MyAccountDialog({ onClose, returnFocus }: { onClose: () => void; returnFocus?: HTMLElement | null }) {
  const { myAccount, session, toasts } = useStores();
  const [actual, setActual] = useState('');
  const [nueva, setNueva] = useState('');
  const [repetida, setRepetida] = useState('');
  const first = useRef<HTMLInputElement>(null);
  const user = session.user.value!;
  useEffect(() => myAccount.reset(), []); // an old refusal does not greet a new attempt

  async function submit(event: Event) {
    event.preventDefault();
    if (await myAccount.changePassword(actual, nueva, repetida)) {
      toasts.show('Tu contraseña cambió. Las demás sesiones de tu cuenta se cerraron.');
      onClose();
    }
  }

  async function endOthers() {
    const ended = await myAccount.endOtherSessions();
    if (ended === null) return;
    toasts.show(ended === 1 ? 'Se cerró 1 sesión más.' : `Se cerraron ${ended} sesiones más.`, 'info');
  }

  return (
    <Modal title="Mi cuenta" subtitle={`${user.displayName ?? user.username} (${user.username})`} onClose={onClose}
      returnFocus={returnFocus} initialFocus={first} testId="my-account">
      <form class="accounts-form" aria-labelledby="my-password-title" onSubmit={(event) => void submit(event)}>
        <h3 id="my-password-title">Cambiar mi contraseña</h3>
        <div class="field">
          <label for="my-current">Contraseña actual</label>
          <input id="my-current" ref={first} type="password" required autoComplete="current-password" value={actual}
            onInput={(event) => setActual(event.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="my-new">Nueva contraseña</label>
          <input id="my-new" type="password" required minLength={8} autoComplete="new-password" value={nueva}
            aria-describedby="my-new-hint" onInput={(event) => setNueva(event.currentTarget.value)} />
          <small id="my-new-hint" class="muted">Al menos 8 caracteres. Tus demás sesiones se cerrarán.</small>
        </div>
        <div class="field">
          <label for="my-repeat">Repite la nueva contraseña</label>
          <input id="my-repeat" type="password" required autoComplete="new-password" value={repetida}
            onInput={(event) => setRepetida(event.currentTarget.value)} />
        </div>
        <div role="status">{myAccount.error.value && <p class="banner banner--error">{myAccount.error.value}</p>}</div>
        <button type="submit" class="button button--success" disabled={myAccount.busy.value}>Cambiar contraseña</button>
      </form>
      <section class="accounts-form" aria-labelledby="my-sessions-title">
        <h3 id="my-sessions-title">Sesiones</h3>
        <p class="muted">¿Dejaste la consola abierta en otro equipo? Ciérrala desde aquí; esta sesión sigue abierta.</p>
        <button type="button" class="button button--light" disabled={myAccount.busy.value} onClick={() => void endOthers()}>
          Cerrar las demás sesiones
        </button>
      </section>
    </Modal>
  );
}
