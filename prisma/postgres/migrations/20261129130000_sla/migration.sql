-- CreateTable
CREATE TABLE "StatusChange" (
    "id" SERIAL NOT NULL,
    "ticketId" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StatusChange_ticketId_at_idx" ON "StatusChange"("ticketId", "at");

-- AddForeignKey
ALTER TABLE "StatusChange" ADD CONSTRAINT "StatusChange_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Tickets already waiting or done when this runs: their status since their last change, as
-- best known, so their clocks stand still instead of running on.
INSERT INTO "StatusChange" ("ticketId", "status", "at") SELECT "id", "status", "updatedAt" FROM "Ticket" WHERE "status" <> 'open';
