import { useEffect, useState } from 'preact/hooks';
import type { QuickReply } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';
import type { ReplyDraft } from '../stores/replies.ts';

/** Admins edit the quick replies Notificar and `/` in the chat offer. */
export function QuickRepliesCard() {
  const { replies, toasts } = useStores();
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  useEffect(() => void replies.load(), []);
  const list = replies.list.value ?? [];

  async function remove(reply: QuickReply) {
    const refusal = await replies.remove(reply.id);
    toasts.show(refusal ?? `Se eliminó la respuesta «${reply.titulo}».`, refusal ? 'error' : 'info');
  }

  return (
    <div class="card" data-testid="quick-replies-card">
      <h2 id="quick-replies-title">Respuestas rápidas</h2>
      <p class="muted">Las usan Notificar y la tecla / en el chat.</p>
      <div class="table-wrap">
        <table class="tickets" aria-labelledby="quick-replies-title">
          <thead>
            <tr>
              <th scope="col">Título</th>
              <th scope="col">Texto</th>
              <th scope="col"><span class="visually-hidden">Acciones</span></th>
            </tr>
          </thead>
          <tbody>
            {list.map((reply) =>
              editing === reply.id ? (
                <tr key={reply.id}>
                  <td colSpan={3}>
                    <ReplyForm initial={reply} onDone={() => setEditing(null)} save={(draft) => replies.edit(reply.id, draft)} />
                  </td>
                </tr>
              ) : (
                <tr key={reply.id} data-testid={`quick-reply-${reply.id}`}>
                  <td class="cell__main">{reply.titulo}</td>
                  <td>{reply.texto}</td>
                  <td>
                    <div class="actions">
                      <button type="button" class="button button--small button--light" aria-label={`Editar ${reply.titulo}`} onClick={() => setEditing(reply.id)}>
                        Editar
                      </button>
                      <button type="button" class="button button--small button--light" aria-label={`Eliminar ${reply.titulo}`} onClick={() => void remove(reply)}>
                        Eliminar
                      </button>
                    </div>
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      {editing === 'new' ? (
        <ReplyForm initial={{ titulo: '', texto: '' }} onDone={() => setEditing(null)} save={replies.add} />
      ) : (
        <button type="button" class="button button--success" onClick={() => setEditing('new')}>
          Nueva respuesta rápida
        </button>
      )}
    </div>
  );
}

interface FormProps {
  initial: ReplyDraft;
  save: (draft: ReplyDraft) => Promise<string | null>;
  onDone: () => void;
}

function ReplyForm({ initial, save, onDone }: FormProps) {
  const { toasts } = useStores();
  const [draft, setDraft] = useState(initial);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const failure = await save({ titulo: draft.titulo.trim(), texto: draft.texto.trim() });
    setBusy(false);
    setRefusal(failure);
    if (failure) return;
    toasts.show(`Se guardó la respuesta «${draft.titulo.trim()}».`, 'info');
    onDone();
  }

  return (
    <form class="accounts-form" aria-label={initial.titulo ? `Editar ${initial.titulo}` : 'Nueva respuesta rápida'} onSubmit={(event) => void submit(event)}>
      <div class="field">
        <label for="reply-title">Título</label>
        <input id="reply-title" required maxLength={60} autoComplete="off" value={draft.titulo}
          onInput={(event) => setDraft({ ...draft, titulo: event.currentTarget.value })} />
      </div>
      <div class="field">
        <label for="reply-text">Texto</label>
        <textarea id="reply-text" required maxLength={1000} rows={3} value={draft.texto}
          onInput={(event) => setDraft({ ...draft, texto: event.currentTarget.value })} />
      </div>
      {refusal && <p class="banner banner--error" role="alert">{refusal}</p>}
      <div class="actions">
        <button type="submit" class="button button--success" disabled={busy}>Guardar</button>
        <button type="button" class="button button--ghost" onClick={onDone}>Cancelar</button>
      </div>
    </form>
  );
}
