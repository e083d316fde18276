import type { Entry, LiveEvent } from '../lib/types.ts';

type EntryEvent = Extract<LiveEvent, { type: 'message' | 'delivery' }>;

/**
 * A pushed change applied to a conversation: a new entry in id order (the poll may already
 * have brought it; then it replaces the one held), or a delivery state on an entry we hold.
 */
export function applyEntryEvent(entries: Entry[], event: EntryEvent): Entry[] {
  if (event.type === 'message') {
    // A known id is the same entry changed (a received file attached later): replaced in place.
    if (entries.some((entry) => entry.id === event.entry.id)) return entries.map((entry) => (entry.id === event.entry.id ? event.entry : entry));
    return [...entries, event.entry].sort((a, b) => a.id - b.id);
  }
  return entries.map((entry) =>
    entry.id === event.messageId ? { ...entry, delivery: event.delivery, deliveryInfo: event.deliveryInfo } : entry,
  );
}

/** How many entries a poll asks for: a chat of any length costs the same to keep fresh. */
export const PAGE_SIZE = 200;

/**
 * The newest page a poll brought, in place of the same range in what we hold; older entries the
 * technician already paged back to stay.
 */
export function mergeNewest(held: Entry[], newest: Entry[]): Entry[] {
  if (newest.length === 0) return held;
  const older = held.filter((entry) => entry.id < newest[0].id);
  return [...older, ...newest];
}
