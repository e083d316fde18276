import { describe, expect, it } from 'vitest';
import { BUSY_HOLD_MS, Health } from './health.ts';

const link = { state: 'ready' as const };

describe('Health: the database part', () => {
  it('"ocupada" stays while writes keep meeting the lock, even if other writes commit (PostgreSQL locks one table), and clears once none did for BUSY_HOLD_MS', () => {
    let now = 1_000;
    const health = new Health(undefined, () => now);
    health.databaseFailed('ocupada');
    now += 1_000;
    health.databaseWorks(); // the lease's renewal, on another table
    expect(health.detail(link).base_de_datos.estado).toBe('ocupada');
    now += BUSY_HOLD_MS - 1_500;
    health.databaseFailed('ocupada'); // a reply met the lock again
    now += 1_000;
    health.databaseWorks();
    expect(health.detail(link).base_de_datos.estado).toBe('ocupada');
    now += BUSY_HOLD_MS;
    expect(health.detail(link).base_de_datos.estado).toBe('ok'); // a commit since, and no lock met for the hold
  });

  it('without a commit after the fault it stays "ocupada" however long ago (SQLite: every write is stopped)', () => {
    let now = 0;
    const health = new Health(undefined, () => now);
    health.databaseFailed('ocupada');
    now += 10 * BUSY_HOLD_MS;
    expect(health.detail(link).base_de_datos.estado).toBe('ocupada');
    health.databaseWorks();
    expect(health.detail(link).base_de_datos.estado).toBe('ok');
  });

  it('"error" clears with the next commit', () => {
    const health = new Health(undefined, () => 0);
    health.databaseFailed('error');
    expect(health.detail(link).base_de_datos.estado).toBe('error');
    health.databaseWorks();
    expect(health.detail(link).base_de_datos.estado).toBe('ok');
  });
});
