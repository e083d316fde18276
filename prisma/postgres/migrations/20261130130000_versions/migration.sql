-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ChangeCounter" (
    "name" TEXT NOT NULL,
    "value" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ChangeCounter_pkey" PRIMARY KEY ("name")
);

-- Hand-written below (prisma migrate diff knows no triggers; migrate-postgres.pg.test.ts adds
-- what follows this marker to the schema it compares with).
-- Stored versions for the polled views' conditional GETs (server/db/versions.ts), bumped by
-- triggers in the transaction of the change, on every path and every process. The SQLite
-- migration of the same name has the same triggers.
INSERT INTO "ChangeCounter" ("name", "value") VALUES ('tickets', 0), ('link', 0);

-- A ticket's history (GET /ticket/:id/conversacion): any entry, its delivery state, its file.
-- Immediate: a transaction writing an entry already locks its ticket's row (the store updates
-- it), so this takes no lock in a new order.
CREATE FUNCTION "puente_history_version"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ticket integer;
BEGIN
  IF TG_TABLE_NAME = 'Message' THEN
    IF TG_OP = 'DELETE' THEN ticket := OLD."ticketId"; ELSE ticket := NEW."ticketId"; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT "ticketId" INTO ticket FROM "Message" WHERE id = OLD."messageId";
  ELSE
    SELECT "ticketId" INTO ticket FROM "Message" WHERE id = NEW."messageId";
  END IF;
  UPDATE "Ticket" SET "version" = "version" + 1 WHERE id = ticket;
  RETURN NULL;
END $$;
CREATE TRIGGER "Message_version" AFTER INSERT OR UPDATE OR DELETE ON "Message"
  FOR EACH ROW EXECUTE FUNCTION "puente_history_version"();
CREATE TRIGGER "Attachment_version" AFTER INSERT OR UPDATE OR DELETE ON "Attachment"
  FOR EACH ROW EXECUTE FUNCTION "puente_history_version"();

-- The global counters, deferred to the commit: one hot row that every writer updates, locked
-- last (after every row the transaction touches), so it cannot take part in a deadlock.
CREATE FUNCTION "puente_bump_counter"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = TG_ARGV[0];
  RETURN NULL;
END $$;

-- The ticket table (GET /api/tickets): a ticket's own columns (not the history version above),
-- the statuses it entered and the entries filed (the SLA clocks read both).
CREATE CONSTRAINT TRIGGER "Ticket_tickets_insert" AFTER INSERT OR DELETE ON "Ticket"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "puente_bump_counter"('tickets');
CREATE CONSTRAINT TRIGGER "Ticket_tickets_update" AFTER UPDATE ON "Ticket"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD."version" = NEW."version") EXECUTE FUNCTION "puente_bump_counter"('tickets');
CREATE CONSTRAINT TRIGGER "StatusChange_tickets" AFTER INSERT OR UPDATE OR DELETE ON "StatusChange"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "puente_bump_counter"('tickets');
CREATE CONSTRAINT TRIGGER "Message_tickets" AFTER INSERT OR DELETE ON "Message"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "puente_bump_counter"('tickets');

-- The link status's waiting count (GET /api/whatsapp/status, `queued`): a message entering or
-- leaving queued/sending.
CREATE CONSTRAINT TRIGGER "Message_link_insert" AFTER INSERT ON "Message"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (coalesce(NEW.delivery, '') IN ('queued', 'sending'))
  EXECUTE FUNCTION "puente_bump_counter"('link');
CREATE CONSTRAINT TRIGGER "Message_link_update" AFTER UPDATE ON "Message"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((coalesce(OLD.delivery, '') IN ('queued', 'sending')) <> (coalesce(NEW.delivery, '') IN ('queued', 'sending')))
  EXECUTE FUNCTION "puente_bump_counter"('link');
CREATE CONSTRAINT TRIGGER "Message_link_delete" AFTER DELETE ON "Message"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (coalesce(OLD.delivery, '') IN ('queued', 'sending'))
  EXECUTE FUNCTION "puente_bump_counter"('link');
