import QRCode from 'qrcode';
import type { LinkStatus as ContractLinkStatus } from '../contract/index.ts';
import type { StateChange, WhatsAppDriver } from './driver.ts';

/** The link's status as tracked here; the route and the live event add the queued count. */
export type LinkStatus = Omit<ContractLinkStatus, 'queued'>;

/**
 * Follows the driver's state changes and keeps what an operator needs to act: since when,
 * the last time it was ready, why it is not, and the QR (rendered once per code, not per poll).
 */
export class StatusTracker {
  #status: LinkStatus;
  #turn = 0;
  readonly #listeners: ((status: LinkStatus) => void)[] = [];

  constructor(driver: WhatsAppDriver) {
    this.#status = { driver: driver.name, ...driver.state(), since: new Date().toISOString(), lastReadyAt: null };
    driver.onState((change) => void this.#apply(change));
    driver.onCatchUp?.(({ recovered, at }) => {
      this.#status = { ...this.#status, lastCatchUp: { recovered, at: at.toISOString() } };
      for (const listener of this.#listeners) listener(this.#status);
    });
  }

  current(): LinkStatus {
    return this.#status;
  }

  onChange(listener: (status: LinkStatus) => void) {
    this.#listeners.push(listener);
  }

  async #apply(change: StateChange) {
    // Rendering a QR is async: a later change may finish first and must not be overwritten.
    const turn = ++this.#turn;
    const qrImage = change.qr
      ? change.qr === this.#status.qr
        ? this.#status.qrImage
        : await QRCode.toDataURL(change.qr, { margin: 1, width: 280 })
      : undefined;
    if (turn !== this.#turn) return;
    const now = new Date().toISOString();
    const previous = this.#status;
    this.#status = {
      driver: previous.driver,
      state: change.state,
      reason: change.reason,
      since: change.state === previous.state ? previous.since : now,
      lastReadyAt: change.state === 'ready' ? now : previous.lastReadyAt,
      qr: change.qr,
      qrImage,
      ...(previous.lastCatchUp ? { lastCatchUp: previous.lastCatchUp } : {}),
    };
    for (const listener of this.#listeners) listener(this.#status);
  }
}

/** The QR is a credential: whoever holds it can link the number. Only admins get it. */
export function withoutQr<T extends LinkStatus>({ qr: _qr, qrImage: _image, ...rest }: T) {
  return rest;
}
