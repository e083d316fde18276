import { effect, untracked } from '@preact/signals';
import { createApi } from '../lib/api.ts';
import { createLiveClient, liveUrl } from '../lib/live.ts';
import { createAccountsStore } from './accounts.ts';
import { createAlertsStore } from './alerts.ts';
import { createCategoriesStore } from './categories.ts';
import { createChatStore } from './chat.ts';
import { createIdleStore, type IdleStore } from './idle.ts';
import { createMyAccountStore } from './my-account.ts';
import { createLineHistoryStore } from './line-history.ts';
import { createNotifyStore } from './notify.ts';
import { createRepliesStore } from './replies.ts';
import { createSandboxStore } from './sandbox.ts';
import { createSessionStore, type SessionStore } from './session.ts';
import { createTicketsStore } from './tickets.ts';
import { createTeamStore } from './team.ts';
import { createThemeStore } from './theme.ts';
import { createToastStore } from './toasts.ts';
import { createWhatsAppStore } from './whatsapp.ts';

export interface AppDeps {
  now?: () => number;
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  liveUrl?: string;
}

/** Every store of the console, wired together once: the value the StoresContext carries. */
export function createAppStores(deps: AppDeps = {}) {
  // The API reports a 401 to the session, which needs the API to exist first.
  let session!: SessionStore;
  let idle!: IdleStore;
  const api = createApi({ fetch: deps.fetch, onUnauthorized: () => session.expire(), background: () => idle.isBackground() });
  session = createSessionStore(api);
  idle = createIdleStore(api, { now: deps.now, onExpire: () => void session.endIdle() });
  const tickets = createTicketsStore(api);
  let alerts!: ReturnType<typeof createAlertsStore>;
  const chat = createChatStore(api, {
    onTicket(ticket) {
      tickets.upsert(ticket);
      alerts.noteTickets([ticket]);
    },
  });
  alerts = createAlertsStore({ openTicket: () => chat.ticket.value?.id ?? null });
  // Every ticket the table loads tells its unread count (pushed changes arrive as events).
  const stopCounting = effect(() => alerts.noteTickets(tickets.tickets.value));
  const whatsapp = createWhatsAppStore(api, () => session.isAdmin.value);
  const accounts = createAccountsStore(api);
  const team = createTeamStore(api);
  const categories = createCategoriesStore(api);
  const replies = createRepliesStore(api);
  const live = createLiveClient({
    url: deps.liveUrl ?? liveUrl(location),
    WebSocket: deps.WebSocket,
    onEvent(event) {
      tickets.applyEvent(event);
      chat.applyEvent(event);
      whatsapp.applyEvent(event);
      team.applyEvent(event);
      alerts.applyEvent(event);
    },
  });

  // Signing in opens the live channel; signing out (or an expired session) closes everything,
  // so no poll keeps knocking with a dead cookie.
  const stopAll = () => {
    idle.stop();
    live.close();
    whatsapp.stop();
    team.stop();
    chat.close();
    tickets.stop();
    accounts.reset(); // a token shown once must not outlive the session
    alerts.reset();
  };
  const stopWatching = effect(() => {
    const signedIn = session.phase.value === 'authenticated';
    untracked(() => {
      if (!signedIn) return stopAll();
      idle.start(session.idleMinutes.value);
      live.connect();
      whatsapp.start();
      team.start();
      void categories.load();
      void replies.load();
    });
  });

  return {
    api,
    session,
    tickets,
    chat,
    whatsapp,
    accounts,
    team,
    alerts,
    categories,
    replies,
    lineHistory: createLineHistoryStore(api),
    live,
    idle,
    myAccount: createMyAccountStore(api),
    notify: createNotifyStore(api, replies),
    sandbox: createSandboxStore(api),
    toasts: createToastStore(),
    theme: createThemeStore(),
    /** Stops every timer and socket (tests; a page unload does this by itself). */
    dispose() {
      stopWatching();
      stopAll();
      stopCounting();
      alerts.dispose();
    },
  };
}

export type AppStores = ReturnType<typeof createAppStores>;
