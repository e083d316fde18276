// @vitest-environment happy-dom
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createThemeStore, THEME_CHOICES, THEME_KEY } from './theme.ts';

/** console/public/theme.js as the page runs it in <head>, before the stores exist. */
const firstPaint = () => new Function(fs.readFileSync(path.join(import.meta.dirname, '../public/theme.js'), 'utf8'))() as void;

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

// theme.js is a plain file served as is (the Content-Security-Policy forbids an inline script),
// so it cannot import THEME_KEY: run it against what the store writes, so the two cannot drift.
describe('the first paint (console/public/theme.js)', () => {
  it.each(THEME_CHOICES.filter(({ value }) => value !== 'sistema'))('pins $label that the switch stored before the console starts', ({ value }) => {
    createThemeStore().set(value);
    root().removeAttribute('data-tema');
    firstPaint();
    expect(root().dataset.tema).toBe(value);
  });

  it('leaves Sistema and an unknown value to the system', () => {
    createThemeStore().set('sistema');
    firstPaint();
    expect(root().hasAttribute('data-tema')).toBe(false);
    localStorage.setItem(THEME_KEY, 'morado');
    firstPaint();
    expect(root().hasAttribute('data-tema')).toBe(false);
  });
});
