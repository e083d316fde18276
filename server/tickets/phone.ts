// The phone helpers moved to the contract (shared with the console); kept as a path for code
// written against the old one.
export { lineKey, normalizePhone } from '../contract/phone.ts';
