import { describe, expect, it } from 'vitest';
import { ackMovesForward, outcomeOf } from './delivery.ts';

describe('outcomeOf: what a stored delivery state tells the technician', () => {
  it('queued is queued; sending and unknown cannot say whether it left (a timeout)', () => {
    expect(outcomeOf({ delivery: 'queued' })).toEqual({ kind: 'queued' });
    expect(outcomeOf({ delivery: 'sending', waId: null })).toEqual({ kind: 'timeout' });
    expect(outcomeOf({ delivery: 'unknown' })).toEqual({ kind: 'timeout' });
  });

  it('failed is a rejection, even when WhatsApp gave the message an id before failing it', () => {
    expect(outcomeOf({ delivery: 'failed', waId: 'w1' })).toEqual({ kind: 'rejected', reason: 'falló el envío' });
  });

  it('sent, delivered and read are sent, with the WhatsApp id when the row has one', () => {
    expect(outcomeOf({ delivery: 'sent', waId: 'w1' })).toEqual({ kind: 'sent', waId: 'w1' });
    expect(outcomeOf({ delivery: 'read', waId: 'w2' })).toEqual({ kind: 'sent', waId: 'w2' });
    // A send whose id already belonged to another row is stored sent without one: still sent.
    expect(outcomeOf({ delivery: 'delivered', waId: null })).toEqual({ kind: 'sent', waId: '' });
  });
});

describe('ackMovesForward', () => {
  it('moves forward only, and failed beats everything but read', () => {
    expect(ackMovesForward('sent', 'delivered')).toBe(true);
    expect(ackMovesForward('read', 'delivered')).toBe(false);
    expect(ackMovesForward('delivered', 'sent')).toBe(false);
    expect(ackMovesForward('delivered', 'failed')).toBe(true);
    expect(ackMovesForward('read', 'failed')).toBe(false);
  });
});
