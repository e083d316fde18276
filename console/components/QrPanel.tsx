import type { LinkStatus } from '../lib/types.ts';

/** Admins only (WhatsAppPage decides): the QR to scan while the service is linking. */
export function QrPanel({ status }: { status: LinkStatus }) {
  if (status.state !== 'qr') {
    return (
      <div class="card card--muted">
        <h2>Vincular el número</h2>
        <p>
          {status.state === 'ready'
            ? 'El número está vinculado. El código QR aparece aquí solo mientras se vincula un teléfono.'
            : 'Cuando el servicio pida vincular un teléfono, el código QR aparecerá aquí.'}
        </p>
      </div>
    );
  }
  return (
    <div class="card qr">
      <h2>Escanea el código QR</h2>
      {status.qrImage ? (
        <img src={status.qrImage} alt="Código QR para vincular WhatsApp" width={280} height={280} data-testid="whatsapp-qr" />
      ) : (
        <p>Generando el código…</p>
      )}
      <ol class="steps">
        <li>Abre WhatsApp en el teléfono del área de soporte.</li>
        <li>Ve a Configuración › Dispositivos vinculados › Vincular un dispositivo.</li>
        <li>Apunta la cámara a este código. El código cambia cada pocos segundos.</li>
      </ol>
    </div>
  );
}
