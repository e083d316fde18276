import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { linkStateLabel } from '../lib/labels.ts';
import { useStores } from '../stores/context.ts';
import { IdleWarning, useActivityTracking } from './IdleWarning.tsx';
import { MyAccountDialog } from './MyAccountDialog.tsx';
import { ThemeSwitch } from './ThemeSwitch.tsx';
import { Toasts } from './Toasts.tsx';
import type { AlertsStore } from '../stores/alerts.ts';

/** The frame around every page once signed in: navigation, WhatsApp state, the account. */
export function Shell({ children }: { children: ComponentChildren }) {
  const { session, whatsapp, team, alerts } = useStores();
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
        <TeamOnline names={team.online.value.map((person) => person.nombre)} />
        <AlertsSwitch alerts={alerts} />
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

/**
 * Who of the team has a console open right now (GET /api/equipo `en_linea`): a small badge with
 * the count (the header is full), the names in its label and tooltip.
 */
function TeamOnline({ names }: { names: string[] }) {
  const label = names.length ? `En línea: ${names.join(', ')}` : 'Nadie en línea';
  return (
    <span class="team-online" data-testid="equipo-en-linea" role="status" aria-label={label} title={label}>
      <span class="presence-dot presence-dot--on" aria-hidden="true" /> {names.length} en línea
    </span>
  );
}

/**
 * Alerts are opt-in: the click is the gesture browsers require before they ask for the
 * notification permission or play sound. Remembered in this browser only.
 */
function AlertsSwitch({ alerts }: { alerts: AlertsStore }) {
  const on = alerts.enabled.value;
  const hint = !on
    ? 'Activar avisos: aviso de escritorio y un sonido corto con cada mensaje nuevo de un usuario (solo en este navegador)'
    : alerts.blocked()
      ? 'Avisos activados, pero el navegador bloqueó las notificaciones: solo sonará el aviso. Permítelas en la configuración del sitio.'
      : 'Avisos activados: pulsa para desactivarlos en este navegador';
  return (
    <button
      type="button"
      class="button button--ghost button--small alerts-switch"
      aria-label={on ? 'Avisos activados' : 'Activar avisos'}
      title={hint}
      onClick={() => (on ? alerts.disable() : void alerts.enable())}
    >
      <span aria-hidden="true">{on ? '🔔' : '🔕'}</span>
    </button>
  );
}
