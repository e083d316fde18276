import { useEffect, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { shortTime } from '../lib/format.ts';
import { createStickToBottom } from '../lib/scroll.ts';
import { useStores } from '../stores/context.ts';

/** A stand-in for an end user's phone, on top of the simulator driver (demos, training, tests). */
export default function SandboxPage() {
  const { whatsapp, sandbox, tickets } = useStores();
  const simulator = whatsapp.status.value?.driver === 'simulator';
  const list = useRef<HTMLOListElement>(null);
  const photoPicker = useRef<HTMLInputElement>(null);
  const follower = useMemo(() => createStickToBottom(), []);
  const thread = sandbox.thread.value;

  useEffect(() => {
    if (!simulator) return;
    sandbox.start();
    void tickets.refresh(); // known phones for the picker
    return sandbox.stop;
  }, [simulator]);
  useLayoutEffect(() => {
    if (list.current) follower.afterUpdate(list.current);
  }, [thread]);

  if (!whatsapp.status.value) return <section class="page"><p>Consultando el modo de WhatsApp…</p></section>;
  if (!simulator) {
    return (
      <section class="page" aria-labelledby="sandbox-title">
        <h1 id="sandbox-title">Teléfono de prueba</h1>
        <p>El teléfono de prueba solo existe cuando el servicio usa el simulador (WHATSAPP_DRIVER=simulator).</p>
      </section>
    );
  }
  const phones = [...new Set(tickets.tickets.value.map((ticket) => ticket.phone))];
  return (
    <section class="page" aria-labelledby="sandbox-title">
      <div class="page__header page__header--stack">
        <h1 id="sandbox-title">Teléfono de prueba</h1>
        <p class="muted">Escribe como lo haría un usuario final por WhatsApp y mira qué respuestas le llegan.</p>
      </div>
      <div class="sandbox">
        <form class="card sandbox__who" onSubmit={(event) => event.preventDefault()}>
          <div class="field">
            <label for="sandbox-phone">Teléfono del usuario</label>
            <input id="sandbox-phone" list="sandbox-phones" inputMode="tel" value={sandbox.phone.value}
              onInput={(event) => (sandbox.phone.value = event.currentTarget.value)} />
            <datalist id="sandbox-phones">{phones.map((phone) => <option key={phone} value={phone} />)}</datalist>
          </div>
          <div class="field">
            <label for="sandbox-name">Nombre</label>
            <input id="sandbox-name" value={sandbox.name.value} onInput={(event) => (sandbox.name.value = event.currentTarget.value)} />
          </div>
        </form>
        <div class="phone" data-testid="sandbox-phone">
          <div class="phone__header">{sandbox.name.value || 'Usuario'} · {sandbox.phone.value}</div>
          <ol ref={list} class="phone__thread" role="log" aria-label="Mensajes del teléfono" tabIndex={0}
            onScroll={(event) => follower.observe(event.currentTarget)}>
            {thread.length === 0 && <li class="messages__empty">Sin mensajes todavía.</li>}
            {thread.map((message) => (
              <li key={message.id} class={`phone__msg phone__msg--${message.direction}`} data-testid={`phone-${message.direction}`}>
                {message.file && <p class="phone__file" data-testid="phone-file">📷 {message.file}</p>}
                {message.body && <p>{message.body}</p>}
                <time dateTime={message.at}>{shortTime(message.at)}</time>
              </li>
            ))}
          </ol>
          <form class="phone__composer" onSubmit={(event) => { event.preventDefault(); void sandbox.send(); }}>
            <label for="sandbox-text" class="visually-hidden">Mensaje del usuario</label>
            <input id="sandbox-text" placeholder="Escribe como el usuario…" autoComplete="off" value={sandbox.draft.value}
              onInput={(event) => (sandbox.draft.value = event.currentTarget.value)} />
            <input ref={photoPicker} type="file" accept="image/jpeg,image/png,image/gif,image/webp" class="visually-hidden" tabIndex={-1}
              data-testid="sandbox-photo-input"
              onChange={(event) => {
                const photo = event.currentTarget.files?.[0];
                event.currentTarget.value = '';
                if (photo) void sandbox.send(photo);
              }} />
            <button type="button" class="button button--light" aria-label="Adjuntar foto" title="Enviar una foto (el texto escrito va como pie)"
              disabled={sandbox.sending.value} onClick={() => photoPicker.current?.click()}>📷</button>
            <button type="submit" class="button button--success" disabled={sandbox.sending.value}>Enviar</button>
          </form>
          <div role="status">{sandbox.error.value && <p class="banner banner--error">{sandbox.error.value}</p>}</div>
        </div>
      </div>
    </section>
  );
}
