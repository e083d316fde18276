/**
 * Inbound filing rate: the simulator's `receive()` is the path a real message takes after the
 * driver normalised it (dedupe, ticket lookup or opening, append, AUTO_ACK reply queued).
 */
import type { Lab } from './lab.ts';
import { phoneNumber } from './seed.ts';

export const INBOUND_MESSAGES = 2_000;
export const INBOUND_PHONES = 200;
/** A run stops early (and says so) past this, to keep the whole benchmark bounded. */
const RUN_BOUND_MS = 25_000;

export interface InboundRun {
  label: string;
  messages: number;
  seconds: number;
  perSecond: number;
  filed: number;
  ticketsOpened: number;
  errors: number;
  firstError: string;
}

/**
 * Each run uses its own 200 phones, so each opens 200 tickets and queues 200 automatic
 * acknowledgements (whose sends share the one write queue while the run goes on).
 */
export async function measureInbound(lab: Lab, log: (line: string) => void): Promise<InboundRun[]> {
  const runs: InboundRun[] = [];
  let block = 5;
  let errors = 0;
  let firstError = '';
  // The emoji leads: file-inbound cuts a new ticket's subject at 80 UTF-16 units, and a cut
  // through an emoji fails the whole filing (reported separately), which is not what this measures.
  const receive = (phones: number, i: number, tag: string) =>
    lab.simulator
      .receive({
        from: phoneNumber(block, i % phones),
        body: `🖨️ Mensaje ${i} de prueba (${tag}): sigue sin funcionar la impresora del piso 3`,
        name: `Usuario ${i % phones}`,
      })
      .catch((err: unknown) => {
        errors++;
        firstError ||= String(err).split('\n').filter(Boolean).slice(-1)[0];
        return 'error' as const;
      });

  log('inbound: warm-up (100 messages)');
  for (let i = 0; i < 100; i++) await receive(20, i, 'calentamiento');
  await lab.settle();

  const run = async (label: string, batch: number) => {
    block += 1;
    const ticketsBefore = await lab.app.puente.db.prisma.ticket.count();
    errors = 0;
    firstError = '';
    log(`inbound: ${label}`);
    let filed = 0;
    const start = performance.now();
    const deadline = Date.now() + RUN_BOUND_MS;
    let sentCount = 0;
    for (let i = 0; i < INBOUND_MESSAGES && Date.now() < deadline; i += batch) {
      const outcomes = await Promise.all(
        Array.from({ length: Math.min(batch, INBOUND_MESSAGES - i) }, (_, k) => receive(INBOUND_PHONES, i + k, label)),
      );
      filed += outcomes.filter((o) => o === 'filed').length;
      sentCount += outcomes.length;
    }
    const seconds = (performance.now() - start) / 1000;
    const ticketsOpened = (await lab.app.puente.db.prisma.ticket.count()) - ticketsBefore;
    runs.push({ label, messages: sentCount, seconds, perSecond: sentCount / seconds, filed, ticketsOpened, errors, firstError });
    await lab.settle();
  };
  await run('sequential (one at a time)', 1);
  await run('parallel batches of 50', 50);
  return runs;
}
