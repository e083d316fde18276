import { useEffect, useRef, useState } from 'preact/hooks';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { QrPanel } from '../components/QrPanel.tsx';
import { longTime } from '../lib/format.ts';
import { formatBytes } from '../lib/upload.ts';
import { linkStateLabel } from '../lib/labels.ts';
import type { HealthDetail, StorageUse } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';

/** States in which there is a linked (or linking) number to unlink. */
const UNLINKABLE = new Set(['ready', 'authenticating', 'disconnected', 'starting']);

export default function WhatsAppPage() {
  const { whatsapp, session, toasts, api } = useStores();
  const [storage, setStorage] = useState<StorageUse | null>(null);
  useEffect(() => void api.get<StorageUse>('/api/adjuntos/uso').then(setStorage, () => setStorage(null)), []);
  const [confirming, setConfirming] = useState(false);
  const unlinkButton = useRef<HTMLButtonElement>(null);
  useEffect(() => void whatsapp.refresh(), []);

  const status = whatsapp.status.value;
  const admin = session.isAdmin.value;

  async function unlink() {
    const done = await whatsapp.unlink();
    setConfirming(false);
    if (done) toasts.show('Se pidió desvincular el número de WhatsApp.', 'info');
    else toasts.show(whatsapp.error.value ?? 'No se pudo desvincular.', 'error');
  }

  return (
    <section class="page" aria-labelledby="whatsapp-title">
      <div class="page__header">
        <h1 id="whatsapp-title">WhatsApp</h1>
      </div>
      {whatsapp.error.value && <p class="banner banner--error" role="alert">{whatsapp.error.value}</p>}
      {status?.salud && <FaultBanners health={status.salud} />}
      {storage && (
        <p class="muted" data-testid="media-storage">
          Archivos guardados: {storage.archivos} · {formatBytes(storage.bytes)}
          {storage.limite ? ` de ${formatBytes(storage.limite)}` : ''}
        </p>
      )}
      {!status ? (
        <p>Consultando el estado de WhatsApp…</p>
      ) : (
        <div class="card-grid">
          <div class="card" data-testid="whatsapp-status">
            <h2>Conexión</h2>
            <p class={`link-state link-state--${status.state}`}>
              <span class="dot" aria-hidden="true" /> {linkStateLabel(status.state)}
            </p>
            <dl class="facts">
              {status.reason && (<><dt>Motivo</dt><dd>{status.reason}</dd></>)}
              <dt>Desde</dt>
              <dd>{longTime(status.since)}</dd>
              <dt>Última conexión</dt>
              <dd>{status.lastReadyAt ? longTime(status.lastReadyAt) : 'Nunca'}</dd>
              {status.lastCatchUp && (
                <>
                  <dt>Recuperados al reconectar</dt>
                  <dd data-testid="whatsapp-recovered">
                    {recoveredLabel(status.lastCatchUp.recovered)} ({longTime(status.lastCatchUp.at)})
                  </dd>
                </>
              )}
              <dt>Mensajes en cola</dt>
              <dd data-testid="whatsapp-queued">{status.queued}</dd>
              <dt>Modo</dt>
              <dd>{status.driver === 'simulator' ? 'Simulador (sin teléfono real)' : 'WhatsApp Web'}</dd>
            </dl>
            {admin && UNLINKABLE.has(status.state) && (
              <button ref={unlinkButton} type="button" class="button button--danger" onClick={() => setConfirming(true)}>
                Desvincular número
              </button>
            )}
            {admin && status.state === 'logged_out' && (
              <button type="button" class="button button--success" onClick={() => void whatsapp.relink()}>
                Vincular de nuevo
              </button>
            )}
          </div>
          {/* The QR is a credential: for a technician the page does not even try to draw it. */}
          {admin ? <QrPanel status={status} /> : (
            <div class="card card--muted">
              <h2>Vincular el número</h2>
              <p>Solo un administrador puede vincular o desvincular el número de WhatsApp.</p>
            </div>
          )}
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title="¿Desvincular WhatsApp?"
          confirmLabel="Sí, desvincular"
          busyLabel="Desvinculando…"
          tone="danger"
          busy={whatsapp.unlinking.value}
          returnFocus={unlinkButton.current}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void unlink()}
        >
          <p>
            Puente dejará de recibir y enviar mensajes hasta que un administrador vuelva a escanear el código QR.
            Las respuestas que se escriban mientras tanto quedarán en cola.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** One banner per part of the service that is not ok (the link's own state is the card below). */
function FaultBanners({ health }: { health: HealthDetail }) {
  const faults = [
    { key: 'almacenamiento', title: 'Almacenamiento', part: health.almacenamiento },
    { key: 'base_de_datos', title: 'Base de datos', part: health.base_de_datos },
    { key: 'reloj', title: 'Reloj del servidor', part: health.reloj },
  ].filter(({ part }) => part.estado !== 'ok');
  return (
    <>
      {faults.map(({ key, title, part }) => (
        <p key={key} class="banner banner--error" role="alert" data-testid={`fault-${key}`}>
          <strong>{title}:</strong> {part.mensaje}
          {part.desde ? ` (desde ${longTime(part.desde)})` : ''}
        </p>
      ))}
    </>
  );
}

/** Messages written while the link was down, filed by the catch-up after it came back. */
function recoveredLabel(count: number): string {
  if (count === 0) return 'Ninguno: no faltaba nada';
  return count === 1 ? '1 mensaje' : `${count} mensajes`;
}
