import type { Lease } from '../cluster/lease.ts';
import type { LeaseStore } from '../cluster/lease-store.ts';
import type { LinkStatus, StatusTracker } from './status.ts';

const NO_HOLDER = 'Ningún proceso del servicio tiene la conexión de WhatsApp en este momento; otro la tomará en segundos.';

/**
 * The link's status as this process should answer it: its own when it holds the link, else the
 * holder's as the holder last published it in the lease row (or, with no live holder, why not).
 */
export async function linkStatusOf(services: { lease: Lease; leases: Pick<LeaseStore, 'read'>; tracker: StatusTracker }): Promise<LinkStatus & { titular: boolean }> {
  const { lease, leases, tracker } = services;
  if (lease.held()) return { ...tracker.current(), titular: true };
  const row = await leases.read();
  const shared = row?.live && row.status ? (JSON.parse(row.status) as LinkStatus) : null;
  if (shared) return { ...shared, titular: false };
  const own = tracker.current();
  return { driver: own.driver, state: 'disconnected', reason: NO_HOLDER, since: own.since, lastReadyAt: own.lastReadyAt, titular: false };
}
