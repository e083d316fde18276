import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { linkStateLabel } from '../lib/labels.ts';
import { useStores } from '../stores/context.ts';
import { IdleWarning, useActivityTracking } from './IdleWarning.tsx';
import { MyAccountDialog } from './MyAccountDialog.tsx';
import { ThemeSwitch } from './ThemeSwitch.tsx';
import { Toasts } from './Toasts.tsx';

/** The frame around every page once signed in: navigation, WhatsApp state, the account. */
export function Shell({ children }: { children: ComponentChildren }) {
  const { session, whatsapp } = useStores();
  const { path } = useLocation();
  const user = session.user.value!;
  const status = whatsapp.status.value;
  const [myAccount, setMyAccount] = useState<HTMLElement | null>(null);
  useActivityTracking();
  const links = [
    { href: '/', label: 'Tickets' },
    { href: '/estadisticas', label: 'Estadísticas' },
    { href: '/whatsapp', label: 'WhatsApp' },
    ...(status?.driver === 'simulator' ? [{ href: '/telefono', label: 'Teléfono de prueba' }] : []),
    ...(session.isAdmin.value ? [{ href: '/cuentas', label: 'Cuentas' }, { href: '/auditoria', label: 'Auditoría' }] : []),
  ];
  return (
    <>
      <a class="skip-link" href="#contenido">Saltar al contenido</a>
      <header class="topbar">
        <a href="/" class="brand">Puente</a>
        <nav aria-label="Principal" class="topbar__nav">
          {links.map((link) => (
            <a key={link.href} href={link.href} aria-current={path === link.href ? 'page' : undefined}>
              {link.label}
            </a>
          ))}
        </nav>
        {status && (
          <a href="/whatsapp" class={`link-state link-state--${status.state} topbar__link`} data-testid="topbar-whatsapp">
            <span class="dot" aria-hidden="true" /> WhatsApp: {linkStateLabel(status.state)}
          </a>
        )}
        <div class="topbar__account">
          <span>
            {user.displayName ?? user.username} <span class="muted">({user.role === 'admin' ? 'Administrador' : 'Técnico'})</span>
          </span>
          <ThemeSwitch />
          <button type="button" class="button button--ghost button--small" onClick={(event) => setMyAccount(event.currentTarget)}>
            Mi cuenta
          </button>
          <button type="button" class="button button--ghost button--small" onClick={() => void session.logout()}>
            Cerrar sesión
          </button>
        </div>
      </header>
      <main id="contenido" tabIndex={-1}>{children}</main>
      {myAccount && <MyAccountDialog returnFocus={myAccount} onClose={() => setMyAccount(null)} />}
      <IdleWarning />
      <Toasts />
    </>
  );
}
