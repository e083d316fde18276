// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { createThemeStore, THEME_KEY } from './theme.ts';

const root = () => document.documentElement;

beforeEach(() => {
  localStorage.clear();
  root().removeAttribute('data-tema');
});

describe('the Tema switch', () => {
  it('starts on Sistema when nothing, or something unknown, is stored', () => {
    expect(createThemeStore().choice.value).toBe('sistema');
    localStorage.setItem(THEME_KEY, 'morado');
    expect(createThemeStore().choice.value).toBe('sistema');
  });

  it('pins Oscuro on <html> and remembers it for the next visit', () => {
    createThemeStore().set('oscuro');
    expect(root().dataset.tema).toBe('oscuro');
    expect(localStorage.getItem(THEME_KEY)).toBe('oscuro');
    expect(createThemeStore().choice.value).toBe('oscuro');
  });

  it('Sistema unpins the theme and forgets the choice', () => {
    const theme = createThemeStore();
    theme.set('claro');
    theme.set('sistema');
    expect(root().hasAttribute('data-tema')).toBe(false);
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
  });

  it('still switches the page when the browser refuses storage', () => {
    const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); }, removeItem: () => {} };
    const theme = createThemeStore({ storage: refusing });
    expect(theme.choice.value).toBe('sistema');
    theme.set('oscuro');
    expect(theme.choice.value).toBe('oscuro');
    expect(root().dataset.tema).toBe('oscuro');
  });
});
