import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POSTGRES_SCHEMA, postgresSchema } from './postgres-schema.ts';

describe('the PostgreSQL schema', () => {
  it('is generated from prisma/schema.prisma and up to date (else: npm run db:postgres)', () => {
    const source = fs.readFileSync(path.resolve(import.meta.dirname, '../../prisma/schema.prisma'), 'utf8');
    expect(fs.readFileSync(POSTGRES_SCHEMA, 'utf8')).toBe(postgresSchema(source));
  });

  it('changes only the provider and the client output', () => {
    const generated = postgresSchema(fs.readFileSync(path.resolve(import.meta.dirname, '../../prisma/schema.prisma'), 'utf8'));
    expect(generated).toMatch(/provider = "postgresql"/);
    expect(generated).not.toMatch(/"sqlite"/);
    expect(generated).toMatch(/output\s+= "..\/..\/server\/db\/generated-pg"/);
    expect(generated).toMatch(/model Message \{/);
  });
});
