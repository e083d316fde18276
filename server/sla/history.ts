import type { Tx } from '../db/database.ts';

/** Files the status a ticket enters, so the SLA clocks can tell when it was paused. No-op when unchanged. */
export async function recordStatus(tx: Tx, ticketId: number, from: string, to: string | undefined, at = new Date()): Promise<void> {
  if (to === undefined || to === from) return;
  await tx.statusChange.create({ data: { ticketId, status: to, at } });
}
