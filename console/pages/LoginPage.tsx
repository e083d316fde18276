import { useRef } from 'preact/hooks';
import { ThemeSwitch } from '../components/ThemeSwitch.tsx';
import { useStores } from '../stores/context.ts';

export function LoginPage() {
  const { session } = useStores();
  const username = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);

  async function onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const ok = await session.login(username.current!.value.trim(), password.current!.value);
    if (!ok) password.current?.select();
  }

  return (
    <main class="login">
      <form class="card login__card" onSubmit={onSubmit} aria-labelledby="login-title">
        <p class="brand brand--large" aria-hidden="true">Puente</p>
        <h1 id="login-title">Iniciar sesión</h1>
        <p class="muted">Consola de soporte técnico por WhatsApp</p>
        {session.notice.value && (
          <p class="banner banner--warning" role="status" data-testid="login-notice">
            {session.notice.value}
          </p>
        )}
        <div class="field">
          <label for="login-user">Usuario</label>
          <input ref={username} id="login-user" name="username" autoComplete="username" required autoFocus />
        </div>
        <div class="field">
          <label for="login-password">Contraseña</label>
          <input ref={password} id="login-password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <div role="alert">{session.loginError.value && <p class="banner banner--error">{session.loginError.value}</p>}</div>
        <button type="submit" class="button button--primary button--block" disabled={session.busy.value}>
          {session.busy.value ? 'Entrando…' : 'Entrar'}
        </button>
        <div class="login__theme">
          <ThemeSwitch />
        </div>
      </form>
    </main>
  );
}
