import fs from 'node:fs';

/** Processes whose command line mentions `needle` (Chromium carries its profile dir there). */
export function processesMentioning(needle: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false; // ended between the listing and the read
      }
    })
    .map(Number);
}
