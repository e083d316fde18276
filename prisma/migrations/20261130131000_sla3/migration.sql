-- CreateTable
CREATE TABLE "SlaOutcome" (
    "ticketId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "base" DATETIME NOT NULL,
    "policy" TEXT NOT NULL,
    "primera" TEXT,
    "primeraVence" DATETIME,
    "resolucion" TEXT,
    "resolucionVence" DATETIME,
    CONSTRAINT "SlaOutcome_ticketId_fkey" FOREIGN KEY ("ticketId") REFERENCES "Ticket" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

