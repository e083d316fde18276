import type { Ack, CatchUpReport, DriverEvents, InboundMessage, InboundOutcome, StateChange } from './driver.ts';

/** The listener bookkeeping every driver shares: drivers extend it and emit, the core listens. */
export class DriverEventHub implements DriverEvents {
  readonly #state: ((change: StateChange) => void)[] = [];
  readonly #inbound: ((message: InboundMessage) => Promise<InboundOutcome>)[] = [];
  readonly #ack: ((ack: Ack) => void)[] = [];
  readonly #catchUp: ((report: CatchUpReport) => void)[] = [];

  onState(listener: (change: StateChange) => void) {
    this.#state.push(listener);
  }
  onInbound(listener: (message: InboundMessage) => Promise<InboundOutcome>) {
    this.#inbound.push(listener);
  }
  onAck(listener: (ack: Ack) => void) {
    this.#ack.push(listener);
  }

  onCatchUp(listener: (report: CatchUpReport) => void) {
    this.#catchUp.push(listener);
  }

  protected emitCatchUp(report: CatchUpReport) {
    for (const listener of this.#catchUp) listener(report);
  }

  protected emitState(change: StateChange) {
    for (const listener of this.#state) listener(change);
  }

  /** The last listener's verdict (the core files the message; others only watch). */
  protected async emitInbound(message: InboundMessage): Promise<InboundOutcome> {
    let outcome: InboundOutcome = 'ignored';
    for (const listener of this.#inbound) outcome = await listener(message);
    return outcome;
  }

  protected emitAck(ack: Ack) {
    for (const listener of this.#ack) listener(ack);
  }
}
