import fs from 'node:fs';
import path from 'node:path';

export type SimulatorMode = 'ready' | 'disconnected' | 'unresponsive' | 'qr';

export interface SentRecord {
  to: string;
  body: string;
  id: string;
  at: string;
  clientRef: string;
  /** What a phone received as a file: enough to check it byte for byte without keeping it. */
  media?: SentMedia;
}

export interface SentMedia {
  mimetype: string;
  filename: string;
  bytes: number;
  sha256: string;
}

/** What the phone itself is: its connection and the numbers it treats as having no WhatsApp. */
export interface PhoneState {
  mode: SimulatorMode;
  withoutWhatsApp: string[];
}

/**
 * Where the simulated phone keeps what reached it and, when several processes stand for one
 * phone, its state. `record` is durable before it resolves: the record must survive a crash.
 */
export interface SimulatedPhone {
  record(record: SentRecord): Promise<void>;
  records(): Promise<SentRecord[]>;
  /** The phone's state as it is now (another process may have changed it). */
  load(): Promise<PhoneState>;
  /** Changes the state in one step and answers what it now is. */
  change(apply: (state: PhoneState) => PhoneState): Promise<PhoneState>;
}

/** The simulator starts ready, as DESIGN.md says. */
export const NEW_PHONE: PhoneState = { mode: 'ready', withoutWhatsApp: [] };

/**
 * One process per phone (SQLite): the record is a file in DATA_DIR, appended (one write per
 * line, not fsynced: see appendRecord); the state lives in this process.
 */
export class FilePhone implements SimulatedPhone {
  readonly #file: string;
  #state = NEW_PHONE;
  constructor(dataDir: string) {
    this.#file = path.join(dataDir, 'simulator-sent.jsonl');
  }
  async record(record: SentRecord) {
    appendRecord(this.#file, record);
  }
  async records() {
    return readRecords(this.#file);
  }
  async load() {
    return this.#state;
  }
  async change(apply: (state: PhoneState) => PhoneState) {
    this.#state = apply(this.#state);
    return this.#state;
  }
}

/**
 * One write() per line, O_APPEND, and no fsync. The record stands in for WhatsApp's servers, which
 * are not on this machine: what it must survive is the service dying (kill -9, a crash), and a
 * completed write() is in the kernel's page cache, which outlives the process (the SIGKILL tests,
 * test/crash-recovery*.test.ts, read it back after each kill). Only a power loss of the test
 * machine itself could drop a line, which the real phone never shares. The fsync it had cost
 * 0.6 ms per send on the lane's path (docs/benchmark.md).
 */
function appendRecord(file: string, record: SentRecord) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
}

function readRecords(file: string): SentRecord[] {
  if (!fs.existsSync(file)) return [];
  const records: SentRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      // a line torn by a crash mid-write was never acknowledged to anyone: skip it
    }
  }
  return records;
}
