-- Team work: ticket numbers (TKT- + 8 characters) and the category list.
-- Existing tickets get a number derived from their id by a bijection on 40 bits (v = id times an
-- odd number modulo 2^40; w = v xor v>>20; k = w xor a constant; SQLite has no xor, hence
-- (a|b)-(a&b)), written 5 bits at a time in the service's 32-character alphabet (no 0/O, 1/I):
-- unique by construction, so the unique index cannot fail on an existing database.
-- CreateTable
CREATE TABLE "Category" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "position" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

INSERT INTO "Category" ("name", "position") VALUES ('hardware', 1), ('software', 2), ('red', 3), ('cuentas', 4), ('impresoras', 5), ('otro', 6);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Ticket" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "phone" TEXT NOT NULL,
    "phoneKey" TEXT NOT NULL,
    "name" TEXT,
    "subject" TEXT NOT NULL,
    "description" TEXT,
    "status" TEXT NOT NULL DEFAULT 'open',
    "priority" TEXT NOT NULL DEFAULT 'media',
    "category" TEXT,
    "assigneeId" INTEGER,
    "unread" INTEGER NOT NULL DEFAULT 0,
    "lastMessageAt" DATETIME,
    "resolvedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "csatAskedAt" DATETIME,
    "rating" INTEGER,
    "ratedAt" DATETIME,
    "numero" TEXT NOT NULL
);
INSERT INTO "new_Ticket" ("assigneeId", "category", "createdAt", "csatAskedAt", "description", "id", "lastMessageAt", "name", "phone", "phoneKey", "priority", "ratedAt", "rating", "resolvedAt", "status", "subject", "unread", "updatedAt", "numero")
  SELECT "assigneeId", "category", "createdAt", "csatAskedAt", "description", "id", "lastMessageAt", "name", "phone", "phoneKey", "priority", "ratedAt", "rating", "resolvedAt", "status", "subject", "unread", "updatedAt",
  'TKT-' || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 35) & 31) + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 30) & 31) + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 25) & 31) + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 20) & 31) + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 15) & 31) + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 10) & 31) + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 5) & 31) + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 0) & 31) + 1, 1) AS "numero"
  FROM (SELECT *, (w | 733007751850) - (w & 733007751850) AS k
    FROM (SELECT *, (v | (v >> 20)) - (v & (v >> 20)) AS w
      FROM (SELECT *, ("id" * 2654435761) & 1099511627775 AS v FROM "Ticket")));
DROP TABLE "Ticket";
ALTER TABLE "new_Ticket" RENAME TO "Ticket";
CREATE UNIQUE INDEX "Ticket_numero_key" ON "Ticket"("numero");
CREATE INDEX "Ticket_phoneKey_status_idx" ON "Ticket"("phoneKey", "status");
CREATE INDEX "Ticket_lastMessageAt_idx" ON "Ticket"("lastMessageAt");
CREATE INDEX "Ticket_createdAt_idx" ON "Ticket"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

