import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 3000,
      WHATSAPP_DRIVER: 'wwebjs',
      SEND_TIMEOUT_MS: 15_000,
      AUTO_ACK: true,
      dataDir: path.resolve('data'),
    });
    expect(config.databaseUrl).toBe(`file:${path.resolve('data', 'puente.db')}`);
  });

  it.each([
    ['WHATSAPP_DRIVER', 'telegram'],
    ['SEND_TIMEOUT_MS', 'pronto'],
    ['SEND_RATE_PER_MINUTE', '0'],
    ['AUTO_ACK', 'quizá'],
    ['PORT', '99999'],
    ['DATABASE_URL', 'mysql://x'],
    ['SLA_PRIMERA_RESPUESTA_MIN', 'critica=5'],
    ['SLA_RESOLUCION_H', 'alta=0'],
    ['SLA_HORARIO', 'lun-vie 18:00-08:00'],
    ['SLA_ZONA_HORARIA', 'Mexico/Leon'],
  ])('stops the start naming %s when it is %j', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrowError(new RegExp(`^Configuración inválida: ${variable} `));
  });

  it('takes a PostgreSQL server as the database', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://puente@db.local/puente' }).databaseUrl).toBe('postgresql://puente@db.local/puente');
  });

  it('merges the SLA targets given with the defaults, in minutes', () => {
    const { sla } = loadConfig({ SLA_PRIMERA_RESPUESTA_MIN: 'alta=20', SLA_RESOLUCION_H: 'baja=1.5' });
    expect(sla.primeraRespuestaMin).toEqual({ urgente: 15, alta: 20, media: 120, baja: 480 });
    expect(sla.resolucionMin).toEqual({ urgente: 240, alta: 480, media: 1440, baja: 90 });
    expect(sla.schedule).toBeNull();
  });

  it('asks for a password when only the admin name is given', () => {
    expect(() => loadConfig({ ADMIN_USERNAME: 'admin' })).toThrowError(/ADMIN_PASSWORD/);
  });

  it('reads AUTO_ACK=off as false and keeps each DATA_DIR apart', () => {
    const config = loadConfig({ AUTO_ACK: 'off', DATA_DIR: '/tmp/puente-a' });
    expect(config.AUTO_ACK).toBe(false);
    expect(config.databaseUrl).toBe('file:/tmp/puente-a/puente.db');
  });
});
