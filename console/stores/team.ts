import { signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';

export interface Person {
  id: number;
  nombre: string;
}

/** The active accounts a ticket can be assigned to (GET /api/equipo), loaded on sign-in. */
export function createTeamStore(api: Api) {
  const people = signal<Person[]>([]);

  async function load() {
    try {
      people.value = (await api.get<{ equipo: Person[] }>('/api/equipo')).equipo;
    } catch {
      // Without the list the assignee shows as a number; the table and chat still work.
    }
  }

  const nameOf = (id: number | null) => (id === null ? null : (people.value.find((person) => person.id === id)?.nombre ?? `#${id}`));

  return { people, load, nameOf };
}

export type TeamStore = ReturnType<typeof createTeamStore>;
