import type { AuditInput } from './audit.ts';

/** What a driver reports (server/whatsapp/driver.ts's StateChange); audit/ imports no driver code. */
interface StateChange {
  state: string;
  reason?: string;
  qr?: string;
}

/**
 * The WhatsApp link changes that no request makes, as audit events: the link completed once
 * someone scanned the QR code (the admin who asked for it, when one did), and an unlink from the
 * phone (Dispositivos vinculados → Cerrar sesión). The admin's own link and unlink requests are
 * recorded by their routes; this only tells the phone's side.
 */
export class LinkWatch {
  #shownQr = false;
  #requestedBy: string | null = null;
  #unlinkRequested = false;
  #last: string | null = null;

  /** POST /api/whatsapp/connect: whoever asked is named when the scan completes the link. */
  linkRequested(by: string | null) {
    this.#requestedBy = by;
  }

  /** POST /api/whatsapp/logout: the logged_out that follows is ours, not the phone's. */
  unlinkRequested() {
    this.#unlinkRequested = true;
  }

  /** The event this state change means, or null. */
  next(change: StateChange): AuditInput | null {
    const previous = this.#last;
    this.#last = change.state;
    if (change.state === 'qr') {
      this.#shownQr = true;
      return null;
    }
    if (change.state === 'ready') {
      this.#unlinkRequested = false; // a request that changed nothing must not hide a later unlink
      return this.#linked();
    }
    if (change.state === 'logged_out' && previous !== 'logged_out') return this.#unlinked(change.reason);
    return null;
  }

  /** Ready without a QR first is a restored session (a restart): nobody linked anything. */
  #linked(): AuditInput | null {
    if (!this.#shownQr) return null;
    const by = this.#requestedBy;
    this.#shownQr = false;
    this.#requestedBy = null;
    return { actor: 'whatsapp', action: 'whatsapp_enlazado', detail: by ? { iniciado_por: by } : undefined };
  }

  #unlinked(reason: string | undefined): AuditInput | null {
    if (this.#unlinkRequested) {
      this.#unlinkRequested = false;
      return null;
    }
    return { actor: 'whatsapp', action: 'whatsapp_desvinculado_telefono', detail: reason ? { motivo: reason } : undefined };
  }
}
