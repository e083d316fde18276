import { randomInt } from 'node:crypto';

// No 0/O and no 1/I: a number read out over the phone or copied by hand cannot be misread.
// The migration that backfilled existing tickets writes in the same alphabet.
export const NUMERO_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A fresh `TKT-` + 8 characters (32^8 ≈ 10^12 values); the caller checks it is unused. */
export function newNumero(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += NUMERO_ALPHABET[random(NUMERO_ALPHABET.length)];
  return `TKT-${code}`;
}

/** The ticket number a search text names (with or without `TKT-`, any case), or null. */
export function numeroIn(text: string): string | null {
  const match = /^(?:TKT-?)?([2-9A-HJ-NP-Z]{8})$/i.exec(text.trim());
  return match ? `TKT-${match[1]!.toUpperCase()}` : null;
}
