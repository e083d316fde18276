import { signal } from '@preact/signals';
import type { Api } from '../lib/api.ts';
import type { QuickReply, QuickReplyList } from '../lib/types.ts';

export type ReplyDraft = Pick<QuickReply, 'titulo' | 'texto'>;

/**
 * The quick replies (GET /api/respuestas-rapidas): Notificar and `/` in the chat box offer them,
 * admins edit them. Loaded on sign-in and again when Notificar opens, so an admin's edit shows.
 */
export function createRepliesStore(api: Api) {
  const list = signal<QuickReply[] | null>(null);
  const error = signal<string | null>(null);

  async function load() {
    try {
      list.value = (await api.get<QuickReplyList>('/api/respuestas-rapidas')).respuestas;
      error.value = null;
    } catch (failure) {
      error.value = (failure as Error).message;
    }
  }

  /** Each change answers the server's refusal as its sentence (null when done) and reloads the list. */
  async function change(run: () => Promise<unknown>): Promise<string | null> {
    try {
      await run();
    } catch (failure) {
      return (failure as Error).message;
    }
    await load();
    return null;
  }

  return {
    list,
    error,
    load,
    add: (draft: ReplyDraft) => change(() => api.post('/api/respuestas-rapidas', draft)),
    edit: (id: number, draft: ReplyDraft) => change(() => api.patch(`/api/respuestas-rapidas/${id}`, draft)),
    remove: (id: number) => change(() => api.request(`/api/respuestas-rapidas/${id}`, { method: 'DELETE' })),
  };
}

export type RepliesStore = ReturnType<typeof createRepliesStore>;
