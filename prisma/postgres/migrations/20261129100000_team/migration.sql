-- Team work: ticket numbers and the category list (see the SQLite migration of the same name).
-- Existing tickets are numbered by the same 40-bit bijection of their id, so the unique index holds.
-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "numero" TEXT;
UPDATE "Ticket" AS t SET "numero" = 'TKT-' || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 35) & 31)::int + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 30) & 31)::int + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 25) & 31)::int + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 20) & 31)::int + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 15) & 31)::int + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 10) & 31)::int + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 5) & 31)::int + 1, 1) || substr('23456789ABCDEFGHJKLMNPQRSTUVWXYZ', ((k >> 0) & 31)::int + 1, 1)
  FROM (SELECT "id", w # 733007751850 AS k
    FROM (SELECT "id", v # (v >> 20) AS w
      FROM (SELECT "id", ("id"::bigint * 2654435761) & 1099511627775 AS v FROM "Ticket") a) b) c
  WHERE c."id" = t."id";
ALTER TABLE "Ticket" ALTER COLUMN "numero" SET NOT NULL;

-- CreateTable
CREATE TABLE "Category" (
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("name")
);
INSERT INTO "Category" ("name", "position") VALUES ('hardware', 1), ('software', 2), ('red', 3), ('cuentas', 4), ('impresoras', 5), ('otro', 6);

-- CreateIndex
CREATE UNIQUE INDEX "Ticket_numero_key" ON "Ticket"("numero");
