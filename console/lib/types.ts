/**
 * The shapes docs/api.md promises come from the contract module the server answers with
 * (server/contract: types and two value lists, no server code), so the two cannot drift apart.
 */
export type {
  AccountRole as Role,
  ApiToken,
  CreatedToken,
  Delivery,
  Entry,
  HealthDetail,
  LinkState,
  LinkStatus,
  LiveEvent,
  Plantilla,
  QuickReply,
  Priority,
  SimulatorSent,
  SlaClock,
  SlaState,
  Status as TicketStatus,
  Ticket,
  User,
} from '../../server/contract/index.ts';
export { PRIORITIES, STATUSES } from '../../server/contract/index.ts';
