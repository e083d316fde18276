-- CreateTable
CREATE TABLE "WhatsAppLease" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "holder" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "status" TEXT
);

