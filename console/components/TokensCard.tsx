import { useState } from 'preact/hooks';
import { shortTime } from '../lib/format.ts';
import type { ApiToken } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

/** Tokens for integrations (Authorization: Bearer): list, create (secret shown once), revoke. */
export function TokensCard() {
  const { accounts, toasts } = useStores();
  const [confirming, setConfirming] = useState<{ token: ApiToken; button: HTMLElement } | null>(null);
  const tokens = accounts.tokens.value;

  async function revoke(token: ApiToken) {
    const done = await accounts.revokeToken(token.id);
    setConfirming(null);
    if (done) toasts.show(`Se revocó el token ${token.name}.`, 'info');
    else toasts.show(accounts.tokenError.value ?? 'No se pudo revocar el token.', 'error');
  }

  return (
    <div class="card" data-testid="tokens-card">
      <h2 id="tokens-title">Tokens de integración</h2>
      <CreatedToken />
      <div class="table-wrap">
        <table class="tickets" aria-labelledby="tokens-title" data-testid="tokens-table">
          <thead>
            <tr>
              <th scope="col">Nombre</th>
              <th scope="col">Creado</th>
              <th scope="col">Último uso</th>
              <th scope="col">Estado</th>
              <th scope="col"><span class="visually-hidden">Acciones</span></th>
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 ? (
              <tr><td colSpan={5} class="table__empty">{accounts.loaded.value ? 'No hay tokens.' : 'Cargando tokens…'}</td></tr>
            ) : (
              tokens.map((token) => (
                <tr key={token.id} data-testid={`token-row-${token.id}`}>
                  <td class="cell__main">{token.name}</td>
                  <td><time dateTime={token.createdAt}>{shortTime(token.createdAt)}</time></td>
                  <td>{token.lastUsedAt ? <time dateTime={token.lastUsedAt}>{shortTime(token.lastUsedAt)}</time> : 'Nunca'}</td>
                  <td>{token.revokedAt ? 'Revocado' : 'Activo'}</td>
                  <td class="actions">
                    {!token.revokedAt && (
                      <button type="button" class="button button--danger button--small" aria-label={`Revocar ${token.name}`}
                        onClick={(event) => setConfirming({ token, button: event.currentTarget })}>
                        Revocar
                      </button>
                    )}
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <NewTokenForm />
      {confirming && (
        <ConfirmDialog
          title="¿Revocar el token?"
          confirmLabel="Sí, revocar"
          busyLabel="Revocando…"
          tone="danger"
          busy={accounts.revoking.value === confirming.token.id}
          returnFocus={confirming.button}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void revoke(confirming.token)}
        >
          <p>
            La integración «{confirming.token.name}» dejará de poder usar la API de inmediato. Esto no se puede deshacer:
            para volver a conectarla habrá que crear un token nuevo.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The secret of the token just created, with the warning that it will not be shown again. */
function CreatedToken() {
  const { accounts } = useStores();
  const created = accounts.created.value;
  if (!created) return null;
  return (
    <div class="banner banner--warning" role="status" data-testid="created-token">
      <p>
        Token «{created.name}» creado. Cópialo ahora: <strong>no se volverá a mostrar</strong>.
      </p>
      <p><code class="token-secret" data-testid="token-secret">{created.token}</code></p>
      <button type="button" class="button button--ghost button--small" onClick={accounts.dismissToken}>
        Ya lo guardé
      </button>
    </div>
  );
}

function NewTokenForm() {
  const { accounts } = useStores();
  return (
    <form class="accounts-form" aria-labelledby="new-token-title"
      onSubmit={(event) => { event.preventDefault(); void accounts.createToken(); }}>
      <h3 id="new-token-title">Nuevo token</h3>
      <div class="field">
        <label for="new-token-name">Nombre del token</label>
        <input id="new-token-name" required autoComplete="off" placeholder="Por ejemplo: CRM" value={accounts.tokenName.value}
          onInput={(event) => (accounts.tokenName.value = event.currentTarget.value)} />
      </div>
      <div role="status">{accounts.tokenError.value && <p class="banner banner--error">{accounts.tokenError.value}</p>}</div>
      <button type="submit" class="button button--success" disabled={accounts.creatingToken.value}>
        {accounts.creatingToken.value ? 'Creando…' : 'Crear token'}
      </button>
    </form>
  );
}
