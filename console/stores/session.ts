import { computed, signal } from '@preact/signals';
import { ApiError, type Api } from '../lib/api.ts';
import type { User } from '../lib/types.ts';

export const EXPIRED_NOTICE = 'Tu sesión expiró, vuelve a iniciar sesión';
export const IDLE_NOTICE = 'Tu sesión se cerró por inactividad. Vuelve a iniciar sesión.';
/** The server's default, for an answer that does not say (an older server). */
const DEFAULT_IDLE_MINUTES = 30;

interface SignedIn {
  user: User;
  sesion?: { inactividadMin: number };
}

const LOGOUT_FAILED =
  'No se pudo cerrar la sesión en el servidor. Si usas un equipo compartido, cierra el navegador.';

type Phase = 'checking' | 'anonymous' | 'authenticated';

/** Who is signed in. Any 401 from the API lands in `expire()`, which sends the console to login. */
export function createSessionStore(api: Api) {
  const user = signal<User | null>(null);
  const phase = signal<Phase>('checking');
  /** Why the login page is showing (an expired session), not a login error. */
  const notice = signal<string | null>(null);
  const loginError = signal<string | null>(null);
  const busy = signal(false);
  const isAdmin = computed(() => user.value?.role === 'admin');
  /** SESSION_IDLE_MINUTES as the server said at login. */
  const idleMinutes = signal(DEFAULT_IDLE_MINUTES);

  function signIn({ user: next, sesion }: SignedIn) {
    idleMinutes.value = sesion?.inactividadMin ?? DEFAULT_IDLE_MINUTES;
    user.value = next;
    notice.value = null;
    loginError.value = null;
    phase.value = 'authenticated';
  }

  async function check() {
    try {
      const me = await api.request<Partial<SignedIn>>('/api/auth/me', { expectUnauthorized: true });
      if (me.user) return signIn({ user: me.user, sesion: me.sesion });
      phase.value = 'anonymous'; // an integration token is no console session
    } catch (error) {
      // No cookie or an old one: the login page, without an "expired" scare on first visit.
      phase.value = 'anonymous';
      if (!(error instanceof ApiError) || error.status !== 401) loginError.value = (error as Error).message;
    }
  }

  async function login(username: string, password: string): Promise<boolean> {
    busy.value = true;
    loginError.value = null;
    try {
      const body = { username, password };
      signIn(await api.request<SignedIn>('/api/auth/login', { body, expectUnauthorized: true }));
      return true;
    } catch (error) {
      loginError.value = error instanceof ApiError ? error.mensaje : 'No se pudo iniciar sesión.';
      return false;
    } finally {
      busy.value = false;
    }
  }

  async function logout(reason: string | null = null) {
    let failed = false;
    try {
      await api.request('/api/auth/logout', { method: 'POST', expectUnauthorized: true });
    } catch (error) {
      failed = !(error instanceof ApiError && error.status === 401); // 401: already signed out there
    }
    // Even if the server is unreachable, this screen must stop showing the account; but the
    // cookie may still be valid there, and on a shared computer the technician must know.
    user.value = null;
    notice.value = failed ? LOGOUT_FAILED : reason;
    phase.value = 'anonymous';
  }

  function expire() {
    if (phase.value !== 'authenticated') return;
    user.value = null;
    notice.value = EXPIRED_NOTICE;
    phase.value = 'anonymous';
  }

  return {
    user,
    phase,
    notice,
    loginError,
    busy,
    isAdmin,
    idleMinutes,
    check,
    login,
    logout,
    expire,
    /** Nobody answered the idle warning: the session ends here and on the server. */
    endIdle: () => logout(IDLE_NOTICE),
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
