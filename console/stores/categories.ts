import { signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import type { Categories } from '../lib/types.ts';

/** The category list (GET /api/categorias): the table's filter and the ticket's field offer it; admins extend it. */
export function createCategoriesStore(api: Api) {
  const names = signal<string[]>([]);

  async function load() {
    try {
      names.value = (await api.get<Categories>('/api/categorias')).categorias;
    } catch {
      // Without the list a ticket's category still shows as text; only the pickers are empty.
    }
  }

  /** Adds one (admins); the server's refusal (a duplicate, a bad name) comes back as its sentence. */
  async function add(nombre: string): Promise<string | null> {
    try {
      names.value = (await api.post<Categories>('/api/categorias', { nombre })).categorias;
      return null;
    } catch (failure) {
      return (failure as Error).message;
    }
  }

  return { names, load, add };
}

export type CategoriesStore = ReturnType<typeof createCategoriesStore>;
