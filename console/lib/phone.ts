/**
 * One end user's line under its two spellings: WhatsApp writes Mexican mobiles as +52 1 … or
 * +52 …, Argentine ones with or without the 9 (the server folds them the same way), so the
 * sandbox still shows replies sent to the other spelling.
 */
export function sameLine(a: string, b: string): boolean {
  return lineKey(a) === lineKey(b);
}

export function lineKey(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  const mexicanMobile = /^521(\d{10})$/.exec(digits);
  if (mexicanMobile) return `52${mexicanMobile[1]}`;
  const argentineMobile = /^549(\d{10})$/.exec(digits);
  if (argentineMobile) return `54${argentineMobile[1]}`;
  return digits;
}
