import { useEffect, useState } from 'preact/hooks';
import { ChatModal } from '../components/ChatModal.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { ExportLinks } from '../components/ExportLinks.tsx';
import { NotifyDialog } from '../components/NotifyDialog.tsx';
import { TicketFilters } from '../components/TicketFilters.tsx';
import type { RowAction } from '../components/TicketRow.tsx';
import { TicketTable } from '../components/TicketTable.tsx';
import { newKey } from '../lib/format.ts';
import type { Plantilla, Ticket } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';

/** Notificar: choose a message, then confirm it; the key belongs to that one confirmation. */
type NotifyStep = { step: 'choose'; ticket: Ticket } | { step: 'confirm'; ticket: Ticket; plantilla: Plantilla; key: string } | null;

export default function TicketsPage() {
  const { tickets, chat, notify, toasts } = useStores();
  // The row button that opened a dialog gets focus back when the dialog closes.
  const [opener, setOpener] = useState<HTMLElement | null>(null);
  const [notifying, setNotifying] = useState<NotifyStep>(null);

  useEffect(() => {
    tickets.start();
    return () => {
      tickets.stop();
      chat.close();
    };
  }, []);

  const openChat = (mode: 'chat' | 'history'): RowAction => (ticket, button) => {
    setOpener(button);
    chat.open(ticket, mode);
  };
  const openNotify: RowAction = (ticket, button) => {
    setOpener(button);
    setNotifying({ step: 'choose', ticket });
  };

  async function confirmNotify({ ticket, plantilla, key }: Extract<NotifyStep, { step: 'confirm' }>) {
    if (notify.sending.value) return;
    const outcome = await notify.send(ticket, plantilla, key);
    setNotifying(null);
    toasts.show(outcome.text, outcome.tone);
    void tickets.refresh();
  }

  return (
    <section class="page" aria-labelledby="tickets-title">
      <div class="page__header">
        <h1 id="tickets-title">Tickets</h1>
        <TicketFilters />
      </div>
      {tickets.error.value && (
        <p class="banner banner--error" role="alert">
          No se pudo actualizar la lista: {tickets.error.value}
        </p>
      )}
      <TicketTable onChat={openChat('chat')} onHistory={openChat('history')} onNotify={openNotify} />
      <ExportLinks />
      <ChatModal returnFocus={opener} />
      {notifying?.step === 'choose' && (
        <NotifyDialog
          ticket={notifying.ticket}
          returnFocus={opener}
          onCancel={() => setNotifying(null)}
          onChoose={(plantilla) => setNotifying({ step: 'confirm', ticket: notifying.ticket, plantilla, key: newKey() })}
        />
      )}
      {notifying?.step === 'confirm' && (
        <ConfirmDialog
          title={`¿Enviar «${notifying.plantilla.titulo}»?`}
          confirmLabel="Sí, enviar"
          busyLabel="Enviando…"
          tone="success"
          busy={notify.sending.value}
          returnFocus={opener}
          onCancel={() => setNotifying(null)}
          onConfirm={() => void confirmNotify(notifying)}
        >
          <p>
            {notifying.ticket.name ?? 'El usuario'} ({notifying.ticket.phone}) recibirá por WhatsApp:
          </p>
          <blockquote class="quote">{notifying.plantilla.texto}</blockquote>
        </ConfirmDialog>
      )}
    </section>
  );
}
