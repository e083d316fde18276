import { describe, expect, it } from 'vitest';
import { NUMERO_ALPHABET, newNumero, numeroIn } from './numero.ts';

describe('ticket numbers', () => {
  it('are TKT- and 8 characters of the unambiguous alphabet', () => {
    for (let i = 0; i < 200; i++) expect(newNumero()).toMatch(/^TKT-[2-9A-HJ-NP-Z]{8}$/);
    expect(NUMERO_ALPHABET).not.toMatch(/[01IO]/);
    expect(NUMERO_ALPHABET).toHaveLength(32);
  });

  it('use every character of the alphabet', () => {
    let next = 0;
    expect(newNumero(() => next++ % 32)).toBe('TKT-23456789');
    expect(newNumero(() => 31)).toBe('TKT-ZZZZZZZZ');
  });

  it('are recognised in a search with or without the prefix, in any case', () => {
    expect(numeroIn('TKT-AB23CD45')).toBe('TKT-AB23CD45');
    expect(numeroIn(' tkt-ab23cd45 ')).toBe('TKT-AB23CD45');
    expect(numeroIn('ab23cd45')).toBe('TKT-AB23CD45');
    expect(numeroIn('impresora')).toBeNull();
    expect(numeroIn('TKT-AB23CD4O')).toBeNull(); // O is not in the alphabet
  });
});
