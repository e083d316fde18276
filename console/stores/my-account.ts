import { signal } from '@preact/signals';
import { ApiError, type Api } from '../lib/api.ts';
import type { SessionsEnded } from '../lib/types.ts';

const message = (failure: unknown, fallback: string) => (failure instanceof ApiError ? failure.mensaje : fallback);

/** "Mi cuenta": what each person does to their own account, whatever their role. */
export function createMyAccountStore(api: Api) {
  const busy = signal(false);
  const error = signal<string | null>(null);

  /** True when the server took the new password (the other sessions of the account ended). */
  async function changePassword(actual: string, nueva: string, repetida: string): Promise<boolean> {
    if (busy.value) return false;
    error.value = null;
    if (nueva !== repetida) {
      error.value = 'Las dos contraseñas nuevas no coinciden.';
      return false;
    }
    busy.value = true;
    try {
      await api.request('/api/auth/contrasena', { method: 'POST', body: { actual, nueva } });
      return true;
    } catch (failure) {
      error.value = message(failure, 'No se pudo cambiar la contraseña.');
      return false;
    } finally {
      busy.value = false;
    }
  }

  /** How many other sessions ended, or null when the server refused. */
  async function endOtherSessions(): Promise<number | null> {
    if (busy.value) return null;
    busy.value = true;
    error.value = null;
    try {
      return (await api.post<SessionsEnded>('/api/auth/cerrar-otras')).cerradas;
    } catch (failure) {
      error.value = message(failure, 'No se pudieron cerrar las demás sesiones.');
      return null;
    } finally {
      busy.value = false;
    }
  }

  return { busy, error, changePassword, endOtherSessions, reset: () => void (error.value = null) };
}

export type MyAccountStore = ReturnType<typeof createMyAccountStore>;
