// One end user's line under its two spellings (Mexican +52 1 / +52, Argentine +54 9 / +54): the
// sandbox still shows replies sent to the other spelling. The server's own rule, shared.
export { sameLine } from '../../server/contract/phone.ts';
