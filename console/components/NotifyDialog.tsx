import { ticketLabel } from '../lib/format.ts';
import { useEffect, useState } from 'preact/hooks';
import type { Plantilla, Ticket } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';
import { Modal } from './Modal.tsx';

interface NotifyProps {
  ticket: Ticket;
  returnFocus: HTMLElement | null;
  onChoose: (plantilla: Plantilla) => void;
  onCancel: () => void;
}

/** Step one of Notificar: pick the predefined message; the confirmation comes next. */
export function NotifyDialog({ ticket, returnFocus, onChoose, onCancel }: NotifyProps) {
  const { notify } = useStores();
  const [chosen, setChosen] = useState<number | null>(null);
  useEffect(() => void notify.load(), []);
  const plantillas = notify.plantillas.value;
  const selected = plantillas?.find((plantilla) => plantilla.id === chosen);

  const footer = (
    <>
      <button type="button" class="button button--ghost" onClick={onCancel}>
        Cancelar
      </button>
      <button type="button" class="button button--notify" disabled={!selected} onClick={() => selected && onChoose(selected)}>
        Continuar
      </button>
    </>
  );
  return (
    <Modal
      title={`Notificar · Ticket ${ticketLabel(ticket)}`}
      subtitle={`Elige el mensaje que ${ticket.name ?? 'el usuario'} recibirá por WhatsApp en ${ticket.phone}.`}
      onClose={onCancel}
      returnFocus={returnFocus}
      footer={footer}
      testId="notify-dialog"
    >
      {notify.error.value && <p class="banner banner--error" role="alert">{notify.error.value}</p>}
      {!plantillas && !notify.error.value && <p>Cargando mensajes…</p>}
      {plantillas && (
        <fieldset class="choices">
          <legend>Mensaje predefinido</legend>
          {plantillas.map((plantilla) => (
            <label key={plantilla.id} class="choice">
              <input
                type="radio"
                name="plantilla"
                value={String(plantilla.id)}
                checked={chosen === plantilla.id}
                onChange={() => setChosen(plantilla.id)}
              />
              <span>
                <strong>{plantilla.titulo}</strong>
                <span class="choice__text">{plantilla.texto}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </Modal>
  );
}
