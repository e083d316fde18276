import { signal } from '@preact/signals';

/** Claro and Oscuro pin a theme; Sistema follows prefers-color-scheme (the CSS does, live). */
export type ThemeChoice = 'claro' | 'oscuro' | 'sistema';
export const THEME_CHOICES: { value: ThemeChoice; label: string }[] = [
  { value: 'sistema', label: 'Sistema' },
  { value: 'claro', label: 'Claro' },
  { value: 'oscuro', label: 'Oscuro' },
];

/** Read by console/public/theme.js before the first paint too: keep the key and values in step. */
export const THEME_KEY = 'puente.tema';

interface ThemeDeps {
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  root?: HTMLElement;
}

/** The Tema switch: one choice per browser, remembered in localStorage, shown as data-tema on <html>. */
// Defaults through globalThis: the stores are also built in plain Node by the store tests.
export function createThemeStore({ storage = globalThis.localStorage, root = globalThis.document?.documentElement }: ThemeDeps = {}) {
  const choice = signal<ThemeChoice>(stored(storage));

  function set(next: ThemeChoice) {
    choice.value = next;
    if (next === 'sistema') root?.removeAttribute('data-tema');
    else root?.setAttribute('data-tema', next);
    try {
      if (next === 'sistema') storage?.removeItem(THEME_KEY);
      else storage?.setItem(THEME_KEY, next);
    } catch {
      // Storage refused (privacy settings, quota): the theme still changes for this page.
    }
  }

  return { choice, set };
}

function stored(storage: Pick<Storage, 'getItem'> | undefined): ThemeChoice {
  try {
    const value = storage?.getItem(THEME_KEY);
    return value === 'claro' || value === 'oscuro' ? value : 'sistema';
  } catch {
    return 'sistema';
  }
}

export type ThemeStore = ReturnType<typeof createThemeStore>;
