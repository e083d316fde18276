import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Outbox } from '../delivery/outbox.ts';
import type { EventBus, PuenteEvent } from '../events.ts';
import { messagesOf, toEntry } from '../messages/index.ts';
import type { Lease } from './lease.ts';
import { MAX_PAYLOAD_BYTES, type PgRelay, type RelayMessage } from './relay.ts';
import type { LinkAction, RemoteLink } from './remote-link.ts';
import type { RemoteSends } from './remote-sends.ts';

export interface ClusterParts {
  db: Db;
  events: EventBus;
  outbox: Outbox;
  lease: Lease;
  relay: PgRelay;
  remote: RemoteSends;
  remoteLink: RemoteLink;
  /** As the holder: links or unlinks the driver and answers its state after. */
  link: (action: LinkAction) => Promise<string>;
  log: Logger;
  /** Another process changed the simulated phone (simulator driver only). */
  phoneChanged?: () => Promise<void>;
}

/**
 * Joins this process to the others on the same PostgreSQL: its live events go out to their
 * consoles and theirs come in; as holder of the link it sends what they stored and answers them.
 */
export function wireCluster(parts: ClusterParts): void {
  const { events, relay } = parts;
  events.relayTo((event) => void relay.publish(outgoing(event)));
  relay.onMessage((message) => void handle(parts, message).catch((err) => parts.log.error({ err, kind: message.kind }, 'relay message failed')));
}

/** An event as one notification; a large entry goes by reference, a large QR without its image. */
function outgoing(event: PuenteEvent): RelayMessage {
  const message: RelayMessage = { kind: 'event', event };
  if (Buffer.byteLength(JSON.stringify(message)) < MAX_PAYLOAD_BYTES - 100) return message;
  if (event.type === 'message') return { kind: 'entry', ticketId: event.ticketId, messageId: event.entry.id };
  if (event.type === 'whatsapp') {
    const { qrImage: _image, ...status } = event.status;
    return { kind: 'event', event: { type: 'whatsapp', status } };
  }
  return message;
}

async function handle(parts: ClusterParts, message: RelayMessage): Promise<void> {
  const { db, events, outbox, lease, relay, remote } = parts;
  switch (message.kind) {
    case 'event':
      return events.receive(message.event);
    case 'entry': {
      const [row] = await messagesOf(db).history(message.ticketId, { after: message.messageId - 1, before: message.messageId + 1, notes: true });
      if (row) events.receive({ type: 'message', ticketId: message.ticketId, entry: toEntry(row) });
      return;
    }
    case 'send': {
      if (!lease.held()) return; // the holder's word, not ours; the next holder's sweep finds it
      // An automatic message filed elsewhere is paced here as on one process (a flood of new chats).
      const outcome = await outbox.submit({ id: message.id, phone: message.phone }, { paced: message.paced });
      return relay.publish({ kind: 'outcome', id: message.id, outcome });
    }
    case 'outcome':
      return remote.settle(message.id, message.outcome);
    case 'link': {
      if (!lease.held()) return; // only the holder answers
      parts.log.info({ action: message.action }, 'whatsapp link change asked by another process');
      return relay.publish({ kind: 'linked', id: message.id, state: await parts.link(message.action) });
    }
    case 'linked':
      return parts.remoteLink.settle(message.id, message.state);
    case 'phone':
      return parts.phoneChanged?.();
    case 'sessions':
      return; // the session cache listens for these itself (services.ts)
  }
}
