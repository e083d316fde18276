// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { focusableIn, wrapFocus } from './focus.ts';

function dialog() {
  const root = document.createElement('div');
  root.innerHTML = `<button>uno</button><button disabled>no</button><textarea></textarea><a href="#">dos</a><span tabindex="-1">no</span>`;
  document.body.append(root);
  return root;
}

describe('focus inside a dialog', () => {
  it('finds the controls Tab can reach, skipping disabled ones', () => {
    expect(focusableIn(dialog()).map((el) => el.tagName)).toEqual(['BUTTON', 'TEXTAREA', 'A']);
  });

  it('wraps from the last control to the first and back with Shift', () => {
    const items = focusableIn(dialog());
    expect(wrapFocus(items, items[2], false)).toBe(items[0]);
    expect(wrapFocus(items, items[0], true)).toBe(items[2]);
    expect(wrapFocus(items, items[0], false)).toBeNull();
  });

  it('pulls focus back in when it is outside', () => {
    const items = focusableIn(dialog());
    expect(wrapFocus(items, document.body, false)).toBe(items[0]);
  });
});
