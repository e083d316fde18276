/**
 * The shapes docs/api.md promises come from the contract module the server answers with
 * (server/contract: types and two value lists, no server code), so the two cannot drift apart.
 */
export type {
  AccountRole as Role,
  ApiToken,
  ApiTokenList,
  AuditEvent,
  AuditPage,
  Categories,
  Conversation,
  CreatedToken,
  Delivery,
  EarlierTickets,
  Entry,
  HealthDetail,
  LinkState,
  LinkStatus,
  LiveEvent,
  Plantilla,
  QuickReply,
  QuickReplyList,
  Priority,
  SessionsEnded,
  SimulatorSent,
  SlaClock,
  SlaState,
  Statistics,
  Status as TicketStatus,
  StorageUse,
  Team,
  TeamMember,
  Ticket,
  TicketList,
  User,
  UserList,
} from '../../server/contract/index.ts';
export { PRIORITIES, STATUSES } from '../../server/contract/index.ts';
