import { describe, expect, it } from 'vitest';
import { DriverEventHub } from './driver-events.ts';
import type { CatchUpReport, StateChange } from './driver.ts';
import { StatusTracker } from './status.ts';

/** A driver reduced to its events: the tracker only listens. */
class EventsOnly extends DriverEventHub {
  readonly name = 'wwebjs' as const;
  state(): StateChange {
    return { state: 'starting' };
  }
  change(change: StateChange) {
    this.emitState(change);
  }
  caughtUp(report: CatchUpReport) {
    this.emitCatchUp(report);
  }
}

describe('StatusTracker', () => {
  it('keeps what the last catch-up recovered across later state changes, and announces it', async () => {
    const driver = new EventsOnly();
    const tracker = new StatusTracker(driver as never);
    const seen: unknown[] = [];
    tracker.onChange((status) => seen.push(status.lastCatchUp));
    driver.change({ state: 'ready' });
    driver.caughtUp({ recovered: 3, at: new Date('2026-02-05T10:00:00Z') });
    expect(tracker.current().lastCatchUp).toEqual({ recovered: 3, at: '2026-02-05T10:00:00.000Z' });
    driver.change({ state: 'disconnected', reason: 'x' });
    await new Promise((r) => setTimeout(r, 0));
    expect(tracker.current()).toMatchObject({ state: 'disconnected', lastCatchUp: { recovered: 3 } });
    expect(seen).toContainEqual({ recovered: 3, at: '2026-02-05T10:00:00.000Z' });
  });
});
