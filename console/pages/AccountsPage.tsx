import { useEffect } from 'preact/hooks';
import { CategoriesCard } from '../components/CategoriesCard.tsx';
import { QuickRepliesCard } from '../components/QuickRepliesCard.tsx';
import { TokensCard } from '../components/TokensCard.tsx';
import { UsersCard } from '../components/UsersCard.tsx';
import { useStores } from '../stores/context.ts';

/** Accounts and integration tokens: admins only. A technician gets a notice and no requests. */
export default function AccountsPage() {
  const { accounts, session } = useStores();
  const admin = session.isAdmin.value;
  useEffect(() => {
    if (admin) void accounts.refresh();
  }, [admin]);

  if (!admin) {
    return (
      <section class="page" aria-labelledby="accounts-title">
        <h1 id="accounts-title">Cuentas</h1>
        <p class="banner banner--info" data-testid="accounts-admin-only">
          Esta página es solo para administradores. Pide a un administrador que cree o cambie cuentas y tokens.
        </p>
      </section>
    );
  }
  return (
    <section class="page" aria-labelledby="accounts-title">
      <div class="page__header page__header--stack">
        <h1 id="accounts-title">Cuentas</h1>
        <p class="muted">Quién entra a la consola, qué integraciones pueden usar la API, las categorías de los tickets y las respuestas rápidas.</p>
      </div>
      {accounts.error.value && <p class="banner banner--error" role="alert">{accounts.error.value}</p>}
      <div class="card-grid">
        <UsersCard />
        <TokensCard />
        <CategoriesCard />
        <QuickRepliesCard />
      </div>
    </section>
  );
}
