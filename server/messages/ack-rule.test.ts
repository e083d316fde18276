import { describe, expect, it } from 'vitest';
import { createTicket } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { ackMovesForward, type AckState } from './delivery.ts';
import { messagesOf } from './index.ts';

// PostgreSQL applies an ack in one UPDATE whose WHERE spells ackMovesForward out in SQL
// (postgres.ts, SQL.ack); SQLite calls the function. Every stored state against every ack, on
// both stores (this file also runs under vitest.postgres.config.ts), so the two rules cannot drift.
const STORED = [null, '', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown'];
const ACKS: AckState[] = ['sent', 'delivered', 'read', 'failed'];

describe('an ack moves a stored reply forward by one rule on either database', () => {
  const t = useTestApp({ AUTO_ACK: 'off' });

  it('applies exactly where ackMovesForward says, and leaves every other row as it was', async () => {
    const ticket = await createTicket(t);
    const prisma = t.app.puente.db.prisma;
    const store = messagesOf(t.app.puente.db);
    const disagreements: string[] = [];
    let n = 0;
    for (const stored of STORED) {
      for (const ack of ACKS) {
        const waId = `ack-rule-${n++}`;
        const row = await prisma.message.create({
          data: { ticketId: ticket.id, role: 'tecnico', content: waId, timestamp: new Date().toISOString(), delivery: stored, waId },
        });
        const moved = await store.applyAck(waId, ack, null);
        const after = await prisma.message.findUniqueOrThrow({ where: { id: row.id } });
        const expected = Boolean(stored) && ackMovesForward(stored!, ack);
        if (Boolean(moved) !== expected || after.delivery !== (expected ? ack : stored)) {
          disagreements.push(`${String(stored)} + ${ack}: moved ${Boolean(moved)}, now ${String(after.delivery)}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
    // The rule is not trivial: some pairs move and some do not.
    const moves = STORED.flatMap((s) => ACKS.map((a) => Boolean(s) && ackMovesForward(s!, a)));
    expect(moves.filter(Boolean).length).toBeGreaterThan(5);
    expect(moves.filter((m) => !m).length).toBeGreaterThan(5);
  });
});
