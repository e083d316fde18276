import { computed, signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import type { LiveEvent, Team, TeamMember } from '../lib/types.ts';

/** Someone a ticket can be assigned to, and whether they are online (GET /api/equipo). */
export type Person = TeamMember;

/** Presence also changes without an event (a process that died stops counting after 2 min). */
export const TEAM_POLL_MS = 60_000;

/**
 * The active accounts a ticket can be assigned to (GET /api/equipo), loaded on sign-in, with who
 * of them is online: read again when the live channel says someone came or left, and once a minute.
 */
export function createTeamStore(api: Api, { pollMs = TEAM_POLL_MS }: { pollMs?: number } = {}) {
  const people = signal<Person[]>([]);
  const online = computed(() => people.value.filter((person) => person.en_linea));
  let timer: ReturnType<typeof setInterval> | undefined;
  let reload: ReturnType<typeof setTimeout> | undefined;

  async function load() {
    try {
      people.value = (await api.get<Team>('/api/equipo')).equipo;
    } catch {
      // Without the list the assignee shows as a number; the table and chat still work.
    }
  }

  const nameOf = (id: number | null) => (id === null ? null : (people.value.find((person) => person.id === id)?.nombre ?? `#${id}`));
  const isOnline = (id: number | null) => id !== null && people.value.some((person) => person.id === id && person.en_linea);

  return {
    people,
    online,
    load,
    nameOf,
    isOnline,
    start() {
      clearInterval(timer);
      void load();
      timer = setInterval(() => void load(), pollMs);
    },
    stop() {
      clearInterval(timer);
      clearTimeout(reload);
      timer = undefined;
    },
    applyEvent(event: LiveEvent) {
      if (event.type !== 'equipo') return;
      // Several consoles opening at once send a burst of events: one read covers them.
      clearTimeout(reload);
      reload = setTimeout(() => void load(), 250);
    },
  };
}

export type TeamStore = ReturnType<typeof createTeamStore>;
