import type { Logger } from 'pino';
import { recordAudit } from './audit/audit.ts';
import { LinkWatch } from './audit/link-watch.ts';
import { ensureFirstAdmin } from './auth/accounts.ts';
import type { Config } from './config.ts';
import { Lease } from './cluster/lease.ts';
import { leaseStore, type LeaseStore } from './cluster/lease-store.ts';
import { PgRelay } from './cluster/relay.ts';
import { RemoteLink } from './cluster/remote-link.ts';
import { RemoteSends } from './cluster/remote-sends.ts';
import { wireCluster } from './cluster/wire.ts';
import { Replies } from './conversation/send.ts';
import { openDatabase, type Db } from './db/database.ts';
import { Outbox } from './delivery/outbox.ts';
import type { Clock } from './delivery/throttle.ts';
import { EventBus, type PuenteEvent } from './events.ts';
import { fileInbound } from './inbound/file-inbound.ts';
import { askForRating } from './insight/csat.ts';
import { InboundFiles } from './media/inbound.ts';
import { OutcomeBackfill } from './sla/backfill.ts';
import { StorageQuota } from './media/quota.ts';
import { MediaStore, type MediaFs } from './media/store.ts';
import { Health } from './health/health.ts';
import { watchDatabase } from './health/database-watch.ts';
import { retryWhileBusy } from './db/faults.ts';
import { CachedVersions, storedVersions, type Versions } from './db/versions.ts';
import { SessionCache } from './auth/session-cache.ts';
import { outgoingMedia, referencedFiles } from './messages/attachments.ts';
import { lastInboundAnyAt, lastInboundAt, messagesOf } from './messages/index.ts';
import { lineKey, normalizePhone } from './contract/phone.ts';
import type { OutgoingMedia, WhatsAppDriver } from './whatsapp/driver.ts';
import { selectDriver } from './whatsapp/select-driver.ts';
import { SimulatorDriver } from './whatsapp/simulator.ts';
import { DbPhone } from './whatsapp/simulator-db-phone.ts';
import { StatusTracker } from './whatsapp/status.ts';

const MEDIA_RETRY_MS = 5 * 60_000;
/** While the disk refuses writes, a small write is tried this often to notice it works again. */
const STORAGE_PROBE_MS = 30_000;

/** Everything the routes use, built once per process from the config. */
export interface Services {
  config: Config;
  db: Db;
  events: EventBus;
  driver: WhatsAppDriver;
  outbox: Outbox;
  replies: Replies;
  tracker: StatusTracker;
  /** Turns the link's state changes into audit events (a QR scan completed, an unlink from the phone). */
  links: LinkWatch;
  /** Whether this process holds the WhatsApp link (always, on SQLite). */
  lease: Lease;
  leases: LeaseStore;
  /** PostgreSQL: LISTEN/NOTIFY between the processes sharing the database; null on SQLite. */
  relay: PgRelay | null;
  /** The stored versions the polled views answer 304 from: remembered in memory on PostgreSQL. */
  versions: Versions;
  /** PostgreSQL: the console sessions this process served, remembered (auth/session-cache.ts); null on SQLite. */
  sessionCache: SessionCache | null;
  /** PostgreSQL: link or unlink through the holder, from a process without the link; null on SQLite. */
  remoteLink: RemoteLink | null;
  media: MediaStore;
  quota: StorageQuota;
  inboundFiles: InboundFiles;
  /** Faults seen (disk, database, clock) for the health detail and the WhatsApp page. */
  health: Health;
  /** Fills the stored SLA outcomes in the background while this process holds the lease. */
  outcomes: OutcomeBackfill;
  firstAdmin: { username: string; password: string; generated: boolean } | null;
  /** Takes the lease (whose holder runs delivery and the WhatsApp link) and starts the media retry. */
  start(): Promise<void>;
  /** Stops them and closes the database (when the server closes). */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Replaces the driver WHATSAPP_DRIVER would pick (supervisor tests use a scripted one). */
  driver?: WhatsAppDriver;
  /** The outbox's clock (flood tests hold its pacing sleeps to count them). */
  clock?: Clock;
  /** The media store's file system (fault tests make it fail like a full or read-only disk). */
  mediaFs?: MediaFs;
  /** How often a refused disk is probed again (default 30 s). */
  storageProbeMs?: number;
}

/** Opens the database, creates the first admin, picks the driver and wires its events in. */
export async function createServices(config: Config, log: Logger, options: ServiceOptions = {}): Promise<Services> {
  const health = new Health();
  // Every write reports to the health detail: a busy or failing database shows on the WhatsApp page.
  const db = watchDatabase(await openDatabase(config.databaseUrl), health);
  const firstAdmin = await ensureFirstAdmin(db, { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD });
  const media = new MediaStore(config.mediaDir, { fs: options.mediaFs, observer: health });
  // A crash between writing a file and committing its entry leaves a file nothing refers to.
  const swept = await media.sweep(await referencedFiles(db));
  if (swept.orphans || swept.temporary) log.info(swept, 'media sweep removed leftovers');
  const relay = db.dialect === 'postgres' ? new PgRelay(config.databaseUrl, log) : null;
  await relay?.start();
  const driver =
    options.driver ??
    (await selectDriver(config, log, {
      lastInboundAt: (phone) => lastInboundAt(db, lineKey(normalizePhone(phone) ?? phone)),
      lastInboundAnyAt: () => lastInboundAnyAt(db),
      // Several processes stand for one simulated phone: it lives in the shared database.
      simulatorPhone: relay ? new DbPhone(db, () => relay.publish({ kind: 'phone' })) : undefined,
    }));
  const events = new EventBus();
  const versions = relay ? cachedVersions(db, relay, events, config.VERSION_CACHE_MS) : storedVersions(db);
  const sessionCache = relay ? cachedSessions(relay, config.SESSION_CACHE_MS) : null;
  const leases = leaseStore(db);
  const remote = relay
    ? new RemoteSends({
        relay,
        sendTimeoutMs: config.SEND_TIMEOUT_MS,
        holderReady: async () => {
          const row = await leases.read();
          return Boolean(row?.live && row.status && JSON.parse(row.status).state === 'ready');
        },
      })
    : null;
  const outcomes = new OutcomeBackfill({ db, policy: config.sla, log });
  // Assigned below: the lease starts and stops the outbox and the driver it is built before.
  let lease: Lease;
  const transport = {
    isReady: () => driver.state().state === 'ready' && lease.held(),
    send: (to: string, body: string, ref: string, media?: OutgoingMedia) => driver.send(to, body, ref, media),
    recentOutgoing: (to: string, since: Date) => driver.recentOutgoing(to, since),
  };
  const outbox = new Outbox({
    db,
    lease: { fence: () => lease.fence(), fenced: () => lease.fenced() },
    remote: remote ?? undefined,
    transport,
    events,
    log,
    sendTimeoutMs: config.SEND_TIMEOUT_MS,
    ratePerMinute: config.SEND_RATE_PER_MINUTE,
    clock: options.clock,
    mediaOf: (messageId) => outgoingMedia(db, media, messageId),
  });
  const replies = new Replies({ db, outbox, events, log, media });
  const download = driver.downloadMedia ? (waId: string) => driver.downloadMedia!(waId) : undefined;
  const quota = new StorageQuota(db, media, config.MEDIA_MAX_MB * 1024 * 1024);
  const inboundFiles = new InboundFiles({ db, store: media, quota, events, log, download });
  lease = new Lease({
    store: leases,
    ttlMs: config.LEASE_TTL_MS,
    log,
    sole: db.dialect === 'sqlite',
    onAcquired: async () => {
      // One process at a time fills the stored SLA outcomes (see server/sla/backfill.ts).
      outcomes.start();
      await outbox.start();
      void driver.connect().catch((err) => log.error({ err }, 'whatsapp connect failed'));
    },
    // The holder sweeps the queue on every renewal: a reply whose word from another process was lost.
    onRenewed: () => void outbox.sweep().catch((err) => log.warn({ err }, 'queue sweep failed')),
    onLost: async () => {
      outbox.release();
      void outcomes.stop();
      await driver.disconnect().catch((err) => log.warn({ err }, 'whatsapp disconnect failed'));
    },
  });
  const phoneChanged = driver instanceof SimulatorDriver ? () => driver.refresh() : undefined;
  const remoteLink = relay ? new RemoteLink(relay) : null;
  const link = async (action: 'connect' | 'logout') => {
    await (action === 'connect' ? driver.connect() : driver.logout());
    return driver.state().state;
  };
  if (relay && remote && remoteLink) wireCluster({ db, events, outbox, lease, relay, remote, remoteLink, link, log, phoneChanged });

  // Files that could not be downloaded when they arrived are tried again now and then.
  let mediaRetry: NodeJS.Timeout | undefined;
  let storageProbe: NodeJS.Timeout | undefined;
  // Files that waited for the disk are fetched again as soon as a write succeeds.
  health.onStorageRecovered(() => {
    log.info('media storage writable again');
    void inboundFiles.retryPending().catch((err) => log.error({ err }, 'media retry failed'));
  });
  const services: Services = {
    config, db, events, driver, outbox, replies, tracker: new StatusTracker(driver), links: new LinkWatch(), lease, leases, relay, versions, sessionCache, remoteLink, media, quota, inboundFiles, health, outcomes, firstAdmin,
    async start() {
      // Only the holder of the lease runs the driver and the delivery loop (see onAcquired above).
      await lease.start();
      await lease.settled();
      mediaRetry = setInterval(() => {
        if (driver.state().state !== 'ready') return;
        void inboundFiles.retryPending().catch((err) => log.error({ err }, 'media retry failed'));
      }, MEDIA_RETRY_MS).unref();
      storageProbe = setInterval(() => {
        if (!health.storageFaulty()) return;
        void media.probe().catch((err) => log.error({ err }, 'media storage probe failed'));
      }, options.storageProbeMs ?? STORAGE_PROBE_MS).unref();
    },
    async stop() {
      clearInterval(mediaRetry);
      clearInterval(storageProbe);
      await outcomes.stop();
      await outbox.stop();
      await driver.disconnect().catch((err) => log.warn({ err }, 'whatsapp disconnect failed'));
      // Let go of the link last: a send still in flight above must not overlap the next holder's.
      await lease.stop();
      await relay?.close();
      await db.close();
    },
  };
  wireDriver(services, log);
  return services;
}

/**
 * PostgreSQL: a 304 without a round trip. Every live event (this process's or relayed from
 * another) forgets the versions it may have changed; a reconnecting listener forgets them all.
 */
function cachedVersions(db: Db, relay: PgRelay, events: EventBus, maxAgeMs: number): Versions {
  const versions = new CachedVersions(storedVersions(db), { live: () => relay.connected(), maxAgeMs });
  relay.onConnection(() => versions.reset());
  events.subscribe((event) => versions.changed(ticketOf(event)), { everywhere: true });
  return versions;
}

/**
 * PostgreSQL: an authenticated poll without a round trip. Each change to sessions or accounts is
 * announced in its own transaction; a reconnecting listener forgets everything. SQLite has no
 * cache: its lookup is a prepared statement in process (about 20 µs, `npm run bench`).
 */
function cachedSessions(relay: PgRelay, maxAgeMs: number): SessionCache {
  const cache = new SessionCache({ live: () => relay.connected(), maxAgeMs });
  relay.onConnection(() => cache.reset());
  relay.onMessage((message) => message.kind === 'sessions' && cache.forget(message.change));
  return cache;
}

function ticketOf(event: PuenteEvent): number | null {
  if (event.type === 'ticket') return event.ticket.id;
  return event.type === 'message' || event.type === 'delivery' ? event.ticketId : null;
}

/** What arrives from WhatsApp (messages, acks, link states) goes to the services that handle it. */
function wireDriver(services: Services, log: Logger) {
  const { db, driver, outbox, events, tracker, config } = services;
  const deps = { db, outbox, events, log, autoAck: config.AUTO_ACK };
  driver.onInbound(async (message) => {
    // Another process holding the write lock must not lose what an end user wrote: tried again.
    const outcome = await retryWhileBusy(() => fileInbound(deps, message), log);
    // The entry is stored; its file is fetched after, so a slow download never holds up the chat.
    if (outcome === 'filed' && message.hasMedia) void services.inboundFiles.fetch(message.waId).catch((err) => log.error({ err }, 'media fetch failed'));
    return outcome;
  });
  if (config.CSAT) {
    const csat = { db, outbox, events, log, text: config.CSAT_TEXTO };
    events.subscribe((event) => {
      const ticket = event.type === 'ticket' ? event.ticket : null;
      if (ticket?.status === 'resolved') void askForRating(csat, ticket.id).catch((err) => log.error({ err }, 'csat failed'));
    });
  }
  // No request to fail here: a lost event is logged as an error (the phone's side of the link).
  driver.onState((change) => {
    const event = services.links.next(change);
    if (event) void recordAudit(db, event).catch((err) => log.error({ err, action: event.action }, 'audit record failed'));
  });
  driver.onAck((ack) => void outbox.applyAck(ack.waId, ack.state).catch((err) => log.error({ err }, 'ack failed')));
  tracker.onChange((status) => {
    log.info({ state: status.state, reason: status.reason }, 'whatsapp state');
    // The other processes answer the link's status from the lease row.
    if (services.lease.held() && services.db.dialect === 'postgres') {
      void services.leases.publishStatus(services.lease.holder, JSON.stringify(status)).catch((err) => log.warn({ err }, 'status not shared'));
    }
    const announce = (queued: number) => events.emit({ type: 'whatsapp', status: { ...status, queued } });
    void messagesOf(db)
      .pendingCount()
      .then(announce)
      .catch((err) => log.error({ err }, 'queued count failed'))
      .finally(() => {
        if (status.state !== 'ready') return;
        outbox.resume();
        void services.inboundFiles.retryPending().catch((err) => log.error({ err }, 'media retry failed'));
      });
  });
}
