import { signal } from '@preact/signals';
import { ApiError, type Api } from '../lib/api.ts';
import type { ApiToken, ApiTokenList, CreatedToken, Role, User, UserList } from '../lib/types.ts';

export interface UserForm {
  username: string;
  password: string;
  role: Role;
  displayName: string;
}

const EMPTY_USER: UserForm = { username: '', password: '', role: 'tecnico', displayName: '' };

const message = (failure: unknown, fallback: string) => (failure instanceof ApiError ? failure.mensaje : fallback);

/**
 * The admin's accounts page: people (admins, technicians) and integration tokens. A new token's
 * secret lives here only until it is dismissed or the session ends: the server never repeats it.
 */
export function createAccountsStore(api: Api) {
  const users = signal<User[]>([]);
  /** Deactivated accounts, which an admin may bring back. */
  const deactivated = signal<User[]>([]);
  const tokens = signal<ApiToken[]>([]);
  const loaded = signal(false);
  const error = signal<string | null>(null);

  const userForm = signal<UserForm>({ ...EMPTY_USER });
  const userError = signal<string | null>(null);
  const creatingUser = signal(false);

  const tokenName = signal('');
  const tokenError = signal<string | null>(null);
  const creatingToken = signal(false);
  /** The token just created, secret included: shown once. */
  const created = signal<CreatedToken | null>(null);
  const revoking = signal<number | null>(null);

  async function loadUsers() {
    const [active, inactive] = await Promise.all([
      api.get<UserList>('/api/users'),
      api.get<UserList>('/api/users/desactivadas'),
    ]);
    users.value = active.users;
    deactivated.value = inactive.users;
  }

  async function loadTokens() {
    tokens.value = (await api.get<ApiTokenList>('/api/tokens')).tokens;
  }

  async function refresh() {
    try {
      await Promise.all([loadUsers(), loadTokens()]);
      error.value = null;
    } catch (failure) {
      error.value = message(failure, 'No se pudieron cargar las cuentas.');
    } finally {
      loaded.value = true;
    }
  }

  function editUser(change: Partial<UserForm>) {
    userForm.value = { ...userForm.value, ...change };
  }

  /** Creates the account in the form; on a refusal the form keeps its values and shows why. */
  async function createUser(): Promise<User | null> {
    if (creatingUser.value) return null;
    creatingUser.value = true;
    userError.value = null;
    const { username, password, role, displayName } = userForm.value;
    try {
      const body = { username: username.trim(), password, role, displayName: displayName.trim() || undefined };
      const user = await api.post<User>('/api/users', body);
      users.value = [...users.value.filter((known) => known.id !== user.id), user];
      userForm.value = { ...EMPTY_USER };
      return user;
    } catch (failure) {
      userError.value = message(failure, 'No se pudo crear la cuenta.');
      return null;
    } finally {
      creatingUser.value = false;
    }
  }

  async function createToken(): Promise<CreatedToken | null> {
    if (creatingToken.value) return null;
    creatingToken.value = true;
    tokenError.value = null;
    try {
      const token = await api.post<CreatedToken>('/api/tokens', { name: tokenName.value.trim() });
      created.value = token;
      tokenName.value = '';
      await loadTokens().catch(() => undefined); // the list catches up on the next visit at worst
      return token;
    } catch (failure) {
      tokenError.value = message(failure, 'No se pudo crear el token.');
      return null;
    } finally {
      creatingToken.value = false;
    }
  }

  /** Deactivates an account (its sessions end at once); true when the server took it. */
  async function deactivateUser(id: number): Promise<boolean> {
    userError.value = null;
    try {
      await api.request(`/api/users/${id}`, { method: 'DELETE' });
      const gone = users.value.find((user) => user.id === id);
      users.value = users.value.filter((user) => user.id !== id);
      if (gone) deactivated.value = [...deactivated.value, gone];
      return true;
    } catch (failure) {
      userError.value = message(failure, 'No se pudo desactivar la cuenta.');
      return false;
    }
  }

  /** Brings a deactivated account back (its old password works again); true when the server took it. */
  async function reactivateUser(id: number): Promise<boolean> {
    userError.value = null;
    try {
      const user = await api.post<User>(`/api/users/${id}/reactivar`);
      deactivated.value = deactivated.value.filter((known) => known.id !== id);
      users.value = [...users.value, user].sort((a, b) => a.id - b.id);
      return true;
    } catch (failure) {
      userError.value = message(failure, 'No se pudo reactivar la cuenta.');
      return false;
    }
  }

  /** Sets someone's password (their sessions end); null when taken, else the server's reason. */
  async function resetPassword(id: number, password: string): Promise<string | null> {
    try {
      await api.post(`/api/users/${id}/contrasena`, { password });
      return null;
    } catch (failure) {
      return message(failure, 'No se pudo cambiar la contraseña.');
    }
  }

  /** Revokes a token; true when the server took it. */
  async function revokeToken(id: number): Promise<boolean> {
    revoking.value = id;
    tokenError.value = null;
    try {
      await api.request(`/api/tokens/${id}`, { method: 'DELETE' });
      if (created.value?.id === id) created.value = null;
      await loadTokens().catch(() => {
        const now = new Date().toISOString();
        tokens.value = tokens.value.map((token) => (token.id === id ? { ...token, revokedAt: token.revokedAt ?? now } : token));
      });
      return true;
    } catch (failure) {
      tokenError.value = message(failure, 'No se pudo revocar el token.');
      return false;
    } finally {
      revoking.value = null;
    }
  }

  return {
    users,
    deactivated,
    tokens,
    loaded,
    error,
    userForm,
    userError,
    creatingUser,
    tokenName,
    tokenError,
    creatingToken,
    created,
    revoking,
    refresh,
    editUser,
    createUser,
    deactivateUser,
    reactivateUser,
    resetPassword,
    createToken,
    revokeToken,
    dismissToken() {
      created.value = null;
    },
    /** Forgets everything, the shown secret first (signing out). */
    reset() {
      created.value = null;
      users.value = [];
      deactivated.value = [];
      tokens.value = [];
      loaded.value = false;
      error.value = null;
      userForm.value = { ...EMPTY_USER };
      userError.value = null;
      tokenName.value = '';
      tokenError.value = null;
    },
  };
}

export type AccountsStore = ReturnType<typeof createAccountsStore>;
