import { render } from 'preact';
import { act } from 'preact/test-utils';
import type { ComponentChildren } from 'preact';
import { createAppStores, type AppStores } from '../stores/app.ts';
import { StoresContext } from '../stores/context.ts';
import { fakeServer } from './fake-server.ts';
import { FakeWebSocket } from './fake-socket.ts';

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

export interface SignedInPage {
  container: HTMLElement;
  app: AppStores;
  server: ReturnType<typeof fakeServer>;
  /** Unmounts the page and disposes its stores: call it after each test. */
  close(): void;
}

/** A page rendered for a console signed in with `role`, over a fake server answering `routes`. */
export async function renderSignedIn(
  role: 'admin' | 'tecnico',
  routes: Parameters<typeof fakeServer>[0],
  ui: ComponentChildren,
): Promise<SignedInPage> {
  const server = fakeServer({
    'POST /api/auth/login': { body: { user: { id: 1, username: 'u', displayName: null, role } } },
    ...routes,
  });
  const app = createAppStores({ fetch: server.fetch, WebSocket: FakeWebSocket, liveUrl: 'ws://x' });
  await app.session.login('u', 'p');
  const view = renderWith(app, ui);
  await settle();
  return {
    container: view.container,
    app,
    server,
    close() {
      view.unmount();
      app.dispose();
    },
  };
}
