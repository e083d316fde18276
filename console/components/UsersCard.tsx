import { useRef, useState } from 'preact/hooks';
import type { Role, User } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { Modal } from './Modal.tsx';

export const ROLE_LABELS: Record<Role, string> = { admin: 'Administrador', tecnico: 'Técnico' };

/** The people who sign in to the console, and a form to add one. */
export function UsersCard() {
  const { accounts, session, toasts } = useStores();
  const users = accounts.users.value;
  const [confirming, setConfirming] = useState<{ user: User; button: HTMLElement } | null>(null);
  const [resetting, setResetting] = useState<{ user: User; button: HTMLElement } | null>(null);

  async function deactivate(user: User) {
    const done = await accounts.deactivateUser(user.id);
    setConfirming(null);
    if (done) toasts.show(`Se desactivó la cuenta ${user.username}.`, 'info');
  }
  return (
    <div class="card" data-testid="users-card">
      <h2 id="users-title">Técnicos y administradores</h2>
      <div class="table-wrap">
        <table class="tickets" aria-labelledby="users-title" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">Usuario</th>
              <th scope="col">Nombre</th>
              <th scope="col">Rol</th>
              <th scope="col"><span class="visually-hidden">Acciones</span></th>
            </tr>
          </thead>
          <tbody>
            {users.length === 0 ? (
              <tr><td colSpan={4} class="table__empty">{accounts.loaded.value ? 'No hay cuentas.' : 'Cargando cuentas…'}</td></tr>
            ) : (
              users.map((user) => (
                <tr key={user.id} data-testid={`user-row-${user.username}`}>
                  <td class="cell__main">{user.username}</td>
                  <td>{user.displayName ?? '—'}</td>
                  <td>{ROLE_LABELS[user.role]}</td>
                  <td>
                    {user.id !== session.user.value?.id && (
                      <>
                        <button type="button" class="button button--small button--light" aria-label={`Restablecer la contraseña de ${user.username}`}
                          onClick={(event) => setResetting({ user, button: event.currentTarget })}>
                          Restablecer contraseña
                        </button>{' '}
                        <button type="button" class="button button--small button--light" aria-label={`Desactivar ${user.username}`}
                          onClick={(event) => setConfirming({ user, button: event.currentTarget })}>
                          Desactivar
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <DeactivatedUsers />
      <NewUserForm />
      {resetting && <ResetPasswordDialog user={resetting.user} returnFocus={resetting.button} onClose={() => setResetting(null)} />}
      {confirming && (
        <ConfirmDialog
          title="¿Desactivar la cuenta?"
          confirmLabel="Sí, desactivar"
          busyLabel="Desactivando…"
          tone="danger"
          busy={false}
          returnFocus={confirming.button}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void deactivate(confirming.user)}
        >
          <p>{confirming.user.username} ya no podrá entrar a la consola y sus sesiones abiertas terminan ahora.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function NewUserForm() {
  const { accounts, toasts } = useStores();
  const form = accounts.userForm.value;
  async function submit(event: Event) {
    event.preventDefault();
    const user = await accounts.createUser();
    if (user) toasts.show(`Se creó la cuenta ${user.username}.`, 'info');
  }
  return (
    <form class="accounts-form" aria-labelledby="new-user-title" onSubmit={(event) => void submit(event)}>
      <h3 id="new-user-title">Nueva cuenta</h3>
      <div class="field">
        <label for="new-user-username">Nombre de usuario</label>
        <input id="new-user-username" required autoComplete="off" value={form.username}
          onInput={(event) => accounts.editUser({ username: event.currentTarget.value })} />
      </div>
      <div class="field">
        <label for="new-user-display">Nombre para mostrar (opcional)</label>
        <input id="new-user-display" autoComplete="off" value={form.displayName}
          onInput={(event) => accounts.editUser({ displayName: event.currentTarget.value })} />
      </div>
      <div class="field">
        <label for="new-user-password">Contraseña inicial</label>
        <input id="new-user-password" type="password" required autoComplete="new-password" value={form.password}
          aria-describedby="new-user-password-hint"
          onInput={(event) => accounts.editUser({ password: event.currentTarget.value })} />
        <small id="new-user-password-hint" class="muted">Al menos 8 caracteres.</small>
      </div>
      <div class="field">
        <label for="new-user-role">Rol</label>
        <select id="new-user-role" value={form.role}
          onChange={(event) => accounts.editUser({ role: event.currentTarget.value as Role })}>
          <option value="tecnico">{ROLE_LABELS.tecnico}</option>
          <option value="admin">{ROLE_LABELS.admin}</option>
        </select>
      </div>
      <div role="status">{accounts.userError.value && <p class="banner banner--error">{accounts.userError.value}</p>}</div>
      <button type="submit" class="button button--success" disabled={accounts.creatingUser.value}>
        {accounts.creatingUser.value ? 'Creando…' : 'Crear cuenta'}
      </button>
    </form>
  );
}

/** Accounts an admin deactivated: each can be brought back with its old password. */
function DeactivatedUsers() {
  const { accounts, toasts } = useStores();
  const users = accounts.deactivated.value;
  if (users.length === 0) return null;
  async function reactivate(user: User) {
    if (await accounts.reactivateUser(user.id)) toasts.show(`Se reactivó la cuenta ${user.username}.`, 'info');
  }
  return (
    <div class="table-wrap">
      <table class="tickets" aria-labelledby="deactivated-title" data-testid="deactivated-table">
        <caption id="deactivated-title">Cuentas desactivadas</caption>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} data-testid={`deactivated-row-${user.username}`}>
              <td class="cell__main">{user.username}</td>
              <td>{user.displayName ?? '—'}</td>
              <td>{ROLE_LABELS[user.role]}</td>
              <td>
                <button type="button" class="button button--small button--light" aria-label={`Reactivar ${user.username}`}
                  onClick={() => void reactivate(user)}>
                  Reactivar
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** An admin sets someone's password: told to them by the admin; their open sessions end. */
function ResetPasswordDialog({ user, returnFocus, onClose }: { user: User; returnFocus: HTMLElement; onClose: () => void }) {
  const { accounts, toasts } = useStores();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const refusal = await accounts.resetPassword(user.id, password);
    setBusy(false);
    if (refusal) return setProblem(refusal);
    toasts.show(`Se cambió la contraseña de ${user.username}; sus sesiones abiertas terminaron.`, 'info');
    onClose();
  }
  return (
    <Modal title={`Restablecer la contraseña de ${user.username}`} onClose={onClose} returnFocus={returnFocus} initialFocus={field} testId="reset-password">
      <form class="accounts-form" onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for="reset-password-input">Nueva contraseña</label>
          <input id="reset-password-input" ref={field} type="password" required minLength={8} autoComplete="new-password" value={password}
            aria-describedby="reset-password-hint" onInput={(event) => setPassword(event.currentTarget.value)} />
          <small id="reset-password-hint" class="muted">Al menos 8 caracteres. Sus sesiones abiertas se cerrarán.</small>
        </div>
        <div role="status">{problem && <p class="banner banner--error">{problem}</p>}</div>
        <button type="submit" class="button button--success" disabled={busy}>{busy ? 'Guardando…' : 'Guardar contraseña'}</button>
      </form>
    </Modal>
  );
}
