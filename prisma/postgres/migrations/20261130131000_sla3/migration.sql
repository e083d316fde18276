-- CreateTable
CREATE TABLE "SlaOutcome" (
    "ticketId" INTEGER NOT NULL,
    "base" TIMESTAMP(3) NOT NULL,
    "policy" TEXT NOT NULL,
    "primera" TEXT,
    "primeraVence" TIMESTAMP(3),
    "resolucion" TEXT,
    "resolucionVence" TIMESTAMP(3),

    CONSTRAINT "SlaOutcome_pkey" PRIMARY KEY ("ticketId")
);

-- AddForeignKey
ALTER TABLE "SlaOutcome" ADD CONSTRAINT "SlaOutcome_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket"("id") ON DELETE CASCADE ON UPDATE CASCADE;

