import type { Logger } from 'pino';
import type { Db, Statement } from '../db/database.ts';
import { storeOutcomes, type Row } from './breaches.ts';
import { policyKey, type SlaPolicy } from './policy.ts';

// Stored SLA outcomes (SlaOutcome) make the statistics' breach count a read; a request that finds
// them missing computes them itself (countBreaches), which for a year of tickets on a fresh
// database or after the targets changed was ~22 CPU seconds in one request. The backfill does that
// work in the background when the process takes the lease (so on PostgreSQL one process at a
// time does it), newest tickets first so the dashboard's default 30 days are ready first, one
// page at a time with a yield to the event loop between pages. Resumable by construction: a pass
// only picks tickets without a valid outcome (missing, computed before the ticket last changed,
// or under other targets or business hours), so a pass cut short is continued by the next one.

/** The newest tickets before :before without a valid stored outcome, one page. */
const MISSING_PAGE: Statement = {
  sqlite: `SELECT t.id, t.status, t.priority, t.createdAt, t.updatedAt, t.resolvedAt FROM Ticket t
  LEFT JOIN SlaOutcome s ON s.ticketId = t.id AND s.base = t.updatedAt AND s.policy = :policy
  WHERE t.id < :before AND s.ticketId IS NULL
  ORDER BY t.id DESC LIMIT :limit`,
  postgres: `SELECT t.id, t.status, t.priority, t."createdAt", t."updatedAt", t."resolvedAt" FROM "Ticket" t
  LEFT JOIN "SlaOutcome" s ON s."ticketId" = t.id AND s.base = t."updatedAt" AND s.policy = :policy
  WHERE t.id < :before::bigint AND s."ticketId" IS NULL
  ORDER BY t.id DESC LIMIT :limit`,
};

export interface BackfillOptions {
  /** Tickets per page (one read, one clock computation, one write). */
  pageSize?: number;
  /** Asked before each page: true ends the pass where it is. */
  stopped?: () => boolean;
}

/** One pass over every ticket without a valid outcome; how many it computed and stored. */
export async function backfillOutcomes(db: Db, policy: SlaPolicy, options: BackfillOptions = {}): Promise<number> {
  const key = policyKey(policy);
  const limit = options.pageSize ?? 250;
  let computed = 0;
  for (let before = Number.MAX_SAFE_INTEGER; !options.stopped?.(); ) {
    const page = await db.all<Row>(MISSING_PAGE, { policy: key, before, limit });
    if (page.length === 0) break;
    await storeOutcomes(db, policy, key, page);
    computed += page.length;
    before = page[page.length - 1].id;
    // Requests waiting meanwhile are served between pages.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return computed;
}

const RETRY_MS = 60_000;

/** The backfill of this process: started when it takes the lease, stopped when it loses it or closes. */
export class OutcomeBackfill {
  #run: Promise<void> | null = null;
  #stopped = true;
  #retry: NodeJS.Timeout | undefined;
  /** Tickets computed by the passes so far (for the logs and tests). */
  computed = 0;

  constructor(private readonly options: { db: Db; policy: SlaPolicy; log: Logger; pageSize?: number }) {}

  /** Starts a pass unless one is running. */
  start(): void {
    this.#stopped = false;
    clearTimeout(this.#retry);
    if (this.#run) return;
    const { db, policy, log, pageSize } = this.options;
    const started = performance.now();
    this.#run = backfillOutcomes(db, policy, { pageSize, stopped: () => this.#stopped })
      .then((computed) => {
        this.computed += computed;
        const ms = Math.round(performance.now() - started);
        if (computed > 0 || ms > 1000) log.info({ computed, ms, stopped: this.#stopped }, 'sla outcomes backfilled');
      })
      .catch((err) => {
        // A busy or unreachable database: the statistics compute what is missing meanwhile.
        log.warn({ err }, 'sla outcome backfill failed; tried again in a minute');
        if (!this.#stopped) this.#retry = setTimeout(() => this.start(), RETRY_MS).unref();
      })
      .finally(() => {
        this.#run = null;
      });
  }

  /** Resolves once no pass runs (tests and the benchmark wait for the pass started at boot). */
  async idle(): Promise<void> {
    await this.#run;
  }

  /** Ends the running pass after its current page. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    await this.#run;
  }
}
