import { render } from 'preact';
import { act } from 'preact/test-utils';
import type { ComponentChildren } from 'preact';
import type { AppStores } from '../stores/app.ts';
import { StoresContext } from '../stores/context.ts';

/** Renders inside the stores' provider, into a fresh container that `unmount` clears. */
export function renderWith(stores: AppStores, ui: ComponentChildren) {
  const container = document.createElement('div');
  document.body.append(container);
  act(() => render(<StoresContext.Provider value={stores}>{ui}</StoresContext.Provider>, container));
  return {
    container,
    unmount() {
      act(() => render(null, container));
      container.remove();
    },
  };
}

export function key(target: Element, keyName: string, init: KeyboardEventInit = {}) {
  act(() => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: keyName, bubbles: true, cancelable: true, ...init }));
  });
}

/** Lets fetches and effects settle, then renders what they changed. */
export async function settle() {
  for (let i = 0; i < 3; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}
