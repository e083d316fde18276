-- Stored versions for the polled views' conditional GETs (server/db/versions.ts). Triggers, not
-- service code, bump them: in the same transaction as the change, on every path that writes
-- (the message store, tickets, notes, CSAT, imports), and on every process sharing the database.

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ChangeCounter" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "value" BIGINT NOT NULL DEFAULT 0
);
INSERT INTO "ChangeCounter" ("name", "value") VALUES ('tickets', 0), ('link', 0);

-- A ticket's history (GET /ticket/:id/conversacion): any entry, its delivery state, its file.
CREATE TRIGGER "Message_version_insert" AFTER INSERT ON "Message" BEGIN
  UPDATE "Ticket" SET "version" = "version" + 1 WHERE "id" = NEW."ticketId";
END;
CREATE TRIGGER "Message_version_update" AFTER UPDATE ON "Message" BEGIN
  UPDATE "Ticket" SET "version" = "version" + 1 WHERE "id" IN (OLD."ticketId", NEW."ticketId");
END;
CREATE TRIGGER "Message_version_delete" AFTER DELETE ON "Message" BEGIN
  UPDATE "Ticket" SET "version" = "version" + 1 WHERE "id" = OLD."ticketId";
END;
CREATE TRIGGER "Attachment_version_insert" AFTER INSERT ON "Attachment" BEGIN
  UPDATE "Ticket" SET "version" = "version" + 1 WHERE "id" = (SELECT "ticketId" FROM "Message" WHERE "id" = NEW."messageId");
END;
CREATE TRIGGER "Attachment_version_update" AFTER UPDATE ON "Attachment" BEGIN
  UPDATE "Ticket" SET "version" = "version" + 1 WHERE "id" = (SELECT "ticketId" FROM "Message" WHERE "id" = NEW."messageId");
END;
CREATE TRIGGER "Attachment_version_delete" AFTER DELETE ON "Attachment" BEGIN
  UPDATE "Ticket" SET "version" = "version" + 1 WHERE "id" = (SELECT "ticketId" FROM "Message" WHERE "id" = OLD."messageId");
END;

-- The ticket table (GET /api/tickets): a ticket's own columns (not the history version above),
-- the statuses it entered and the entries filed (the SLA clocks read both).
CREATE TRIGGER "Ticket_tickets_insert" AFTER INSERT ON "Ticket" BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'tickets';
END;
CREATE TRIGGER "Ticket_tickets_update" AFTER UPDATE ON "Ticket" WHEN OLD."version" = NEW."version" BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'tickets';
END;
CREATE TRIGGER "Ticket_tickets_delete" AFTER DELETE ON "Ticket" BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'tickets';
END;
CREATE TRIGGER "StatusChange_tickets_insert" AFTER INSERT ON "StatusChange" BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'tickets';
END;
CREATE TRIGGER "StatusChange_tickets_update" AFTER UPDATE ON "StatusChange" BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'tickets';
END;
CREATE TRIGGER "StatusChange_tickets_delete" AFTER DELETE ON "StatusChange" BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'tickets';
END;
CREATE TRIGGER "Message_tickets_insert" AFTER INSERT ON "Message" BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'tickets';
END;
CREATE TRIGGER "Message_tickets_delete" AFTER DELETE ON "Message" BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'tickets';
END;

-- The link status's waiting count (GET /api/whatsapp/status, `queued`): a message entering or
-- leaving queued/sending.
CREATE TRIGGER "Message_link_insert" AFTER INSERT ON "Message" WHEN coalesce(NEW."delivery", '') IN ('queued', 'sending') BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'link';
END;
CREATE TRIGGER "Message_link_update" AFTER UPDATE ON "Message"
  WHEN (coalesce(OLD."delivery", '') IN ('queued', 'sending')) <> (coalesce(NEW."delivery", '') IN ('queued', 'sending')) BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'link';
END;
CREATE TRIGGER "Message_link_delete" AFTER DELETE ON "Message" WHEN coalesce(OLD."delivery", '') IN ('queued', 'sending') BEGIN
  UPDATE "ChangeCounter" SET "value" = "value" + 1 WHERE "name" = 'link';
END;
