import { useEffect, useRef, useState } from 'preact/hooks';
import type { Entry } from '../lib/types.ts';
import { formatBytes } from '../lib/upload.ts';

/** What an entry carries besides its text: a file, a place or a contact (docs/api.md). */
export function EntryAttachment({ entry }: { entry: Entry }) {
  const { adjunto, ubicacion, contacto } = entry;
  return (
    <>
      {adjunto && <FileView adjunto={adjunto} />}
      {!adjunto && entry.adjunto_pendiente && (
        <p class="bubble__media" data-testid="attachment-pending">
          📎 {entry.adjunto_pendiente}
        </p>
      )}
      {ubicacion && (
        <a class="bubble__link" href={mapUrl(ubicacion)} target="_blank" rel="noopener noreferrer" data-testid="map-link">
          📍 Ver ubicación en el mapa ({ubicacion.lat.toFixed(5)}, {ubicacion.lng.toFixed(5)})
        </a>
      )}
      {contacto && (
        <p class="bubble__media" data-testid="contact-card">
          👤 {contacto.nombre} {contacto.telefono && <span>· {contacto.telefono}</span>}
        </p>
      )}
    </>
  );
}

export const mapUrl = ({ lat, lng }: { lat: number; lng: number }) => `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=17/${lat}/${lng}`;

function FileView({ adjunto }: { adjunto: NonNullable<Entry['adjunto']> }) {
  const [open, setOpen] = useState(false);
  if (adjunto.tipo.startsWith('image/')) {
    return (
      <>
        <button type="button" class="bubble__thumb" onClick={() => setOpen(true)} aria-label={`Ver imagen ${adjunto.nombre}`} data-testid="attachment-thumb">
          <img src={adjunto.url} alt={adjunto.nombre} loading="lazy" />
        </button>
        {open && <ImagePreview src={adjunto.url} name={adjunto.nombre} onClose={() => setOpen(false)} />}
      </>
    );
  }
  if (adjunto.tipo.startsWith('audio/')) {
    return <audio class="bubble__audio" controls preload="none" src={adjunto.url} data-testid="attachment-audio" aria-label={adjunto.nombre} />;
  }
  if (adjunto.tipo.startsWith('video/')) {
    return <video class="bubble__video" controls preload="none" src={adjunto.url} data-testid="attachment-video" aria-label={adjunto.nombre} />;
  }
  return (
    <a class="bubble__link" href={adjunto.url} download={adjunto.nombre} data-testid="attachment-download">
      📄 {adjunto.nombre} <span class="bubble__size">({formatBytes(adjunto.bytes)})</span>
    </a>
  );
}

/** The full image over the chat; Esc or the button closes it without closing the chat. */
function ImagePreview({ src, name, onClose }: { src: string; name: string; onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div
      class="image-preview"
      role="dialog"
      aria-modal="true"
      aria-label={`Imagen ${name}`}
      data-testid="image-preview"
      onClick={(event) => event.target === event.currentTarget && onClose()}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onClose();
      }}
    >
      <img src={src} alt={name} />
      <div class="image-preview__bar">
        <a href={src} download={name} class="button button--light">
          Descargar
        </a>
        <button ref={close} type="button" class="button" onClick={onClose}>
          Cerrar
        </button>
      </div>
    </div>
  );
}
