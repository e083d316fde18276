/**
 * Phone numbers in E.164. WhatsApp knows some lines under two forms: Mexican mobiles were
 * dialled as +52 1 XXXXXXXXXX and are now +52 XXXXXXXXXX; Argentine mobiles carry a 9 after +54.
 * `lineKey` folds both forms into one, so a user's messages find their ticket either way.
 */
export function normalizePhone(input: string): string | null {
  const digits = input.replace(/[\s().-]/g, '').replace(/^00/, '+');
  const bare = digits.startsWith('+') ? digits.slice(1) : digits;
  if (!/^[1-9]\d{7,14}$/.test(bare)) return null;
  return `+${bare}`;
}

export function lineKey(e164: string): string {
  const mexicanMobile = /^\+521(\d{10})$/.exec(e164);
  if (mexicanMobile) return `+52${mexicanMobile[1]}`;
  const argentineMobile = /^\+549(\d{10})$/.exec(e164);
  if (argentineMobile) return `+54${argentineMobile[1]}`;
  return e164;
}

/** One end user's line under either spelling, from any way of writing it (`+52 1 477…`, digits only). */
export function sameLine(a: string, b: string): boolean {
  const key = (phone: string) => lineKey(normalizePhone(phone) ?? `+${phone.replace(/\D/g, '')}`);
  return key(a) === key(b);
}
