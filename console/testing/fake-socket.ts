/** A WebSocket the test drives by hand: open it, push messages, drop it. */
export class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  close() {
    this.closed = true;
    this.onclose?.();
  }

  push(event: unknown) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }

  static latest(): FakeSocket {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }
}

export const FakeWebSocket = FakeSocket as unknown as typeof WebSocket;
