import type { DatabaseState, HealthDetail, HealthPart as Part, LinkState, StorageState } from '../contract/index.ts';
import { ClockWatch } from './clock.ts';

export type { HealthDetail };

const OK = {
  almacenamiento: 'Los archivos se guardan con normalidad.',
  base_de_datos: 'La base de datos responde.',
  reloj: 'El reloj del servidor avanza con normalidad.',
};

export const STORAGE_TEXT: Record<Exclude<StorageState, 'ok'>, string> = {
  lleno: 'El disco del servidor está lleno: no se pueden guardar archivos nuevos. Los mensajes de texto siguen funcionando; los archivos recibidos se guardarán cuando haya espacio.',
  solo_lectura: 'La carpeta de datos del servidor es de solo lectura: no se pueden guardar archivos. Los mensajes de texto siguen funcionando; los archivos recibidos se guardarán cuando se pueda escribir.',
};

/** How long after the last write that met a lock the database still shows "ocupada" (see databaseWorks). */
export const BUSY_HOLD_MS = 5_000;

export const DATABASE_TEXT: Record<Exclude<DatabaseState, 'ok'>, string> = {
  ocupada: 'La base de datos está ocupada por otro proceso: las respuestas nuevas se rechazan con 503 hasta que se libere; las que ya se aceptaron se enviarán.',
  error: 'La base de datos devolvió un error: revisa el registro del servicio.',
};

/**
 * The service's faults as it has seen them: each part is set by the code that hit the fault and
 * cleared by the next success (or, for storage, by the probe that retries a write), so the detail
 * recovers by itself when the fault ends. Holds no timers; the clock is checked when asked.
 */
export class Health {
  #storage: Part<StorageState> = { estado: 'ok', mensaje: OK.almacenamiento };
  #database: Part<DatabaseState> = { estado: 'ok', mensaje: OK.base_de_datos };
  readonly #storageRecovered: (() => void)[] = [];
  readonly clock: ClockWatch;
  // Monotonic times of the last write that met a lock and the last that committed after a fault.
  #lastBusyAt = -Infinity;
  #lastSuccessAt = -Infinity;

  constructor(
    clock = new ClockWatch(),
    private readonly now: () => number = () => performance.now(),
  ) {
    this.clock = clock;
  }

  storageFailed(estado: Exclude<StorageState, 'ok'>) {
    if (this.#storage.estado === estado) return;
    this.#storage = { estado, mensaje: STORAGE_TEXT[estado], desde: new Date().toISOString() };
  }

  /** A write reached the disk: a storage fault, if any, is over (listeners retry what waited). */
  storageWorks() {
    if (this.#storage.estado === 'ok') return;
    this.#storage = { estado: 'ok', mensaje: OK.almacenamiento };
    for (const listener of this.#storageRecovered) listener();
  }

  storageFaulty(): boolean {
    return this.#storage.estado !== 'ok';
  }

  onStorageRecovered(listener: () => void) {
    this.#storageRecovered.push(listener);
  }

  databaseFailed(estado: Exclude<DatabaseState, 'ok'>) {
    if (estado === 'ocupada') this.#lastBusyAt = this.now();
    if (this.#database.estado === estado) return;
    this.#database = { estado, mensaje: DATABASE_TEXT[estado], desde: new Date().toISOString() };
  }

  /**
   * A write committed. On PostgreSQL a lock stops only the writes that need the locked table or
   * row: the lease's renewal still commits while every reply is refused, so a success clears
   * "ocupada" only once no write met the lock for BUSY_HOLD_MS (SQLite's writes all stop
   * together, so there it clears within that time of the lock's release).
   */
  databaseWorks() {
    if (this.#database.estado === 'ok') return;
    this.#lastSuccessAt = this.now();
    if (this.#database.estado === 'error' || this.#busyOver()) this.#database = { estado: 'ok', mensaje: OK.base_de_datos };
  }

  #busyOver(): boolean {
    return this.#lastSuccessAt > this.#lastBusyAt && this.now() - this.#lastBusyAt >= BUSY_HOLD_MS;
  }

  #databasePart(): Part<DatabaseState> {
    if (this.#database.estado === 'ocupada' && this.#busyOver()) this.#database = { estado: 'ok', mensaje: OK.base_de_datos };
    return this.#database;
  }

  detail(link: { state: LinkState; reason?: string }): HealthDetail {
    const jump = this.clock.check();
    return {
      almacenamiento: this.#storage,
      base_de_datos: this.#databasePart(),
      whatsapp: { estado: link.state, mensaje: link.reason ?? (link.state === 'ready' ? 'WhatsApp está conectado.' : 'WhatsApp no está conectado.') },
      reloj: jump
        ? { estado: 'salto_detectado', mensaje: jumpText(jump.ms), desde: jump.at }
        : { estado: 'ok', mensaje: OK.reloj },
    };
  }
}

function jumpText(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const amount = minutes >= 120 ? `${Math.round(minutes / 60)} horas` : `${minutes} minutos`;
  const way = ms > 0 ? 'adelante' : 'atrás';
  return `El reloj del servidor saltó ${amount} hacia ${way}. Los plazos y reintentos siguen su propio reloj y no se afectan; revisa la sincronización de hora (NTP).`;
}
