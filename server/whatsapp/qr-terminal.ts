import { createRequire } from 'node:module';

// qrcode-terminal ships no types; this is the one function used.
const qrcodeTerminal = createRequire(import.meta.url)('qrcode-terminal') as {
  generate(input: string, options: { small: boolean }, done: (art: string) => void): void;
};

/**
 * Draws a linking QR on the terminal (the service's and `npm run link`'s). It goes to stderr, with
 * the other words meant for the operator, so stdout stays a clean stream of JSON logs.
 * The QR is a credential: it is never logged.
 */
export function printQr(qr: string, out: NodeJS.WritableStream = process.stderr) {
  qrcodeTerminal.generate(qr, { small: true }, (art) => {
    out.write(`\nEscanee este código con WhatsApp (Dispositivos vinculados → Vincular un dispositivo):\n${art}\n`);
  });
}
