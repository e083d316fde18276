-- CreateTable
CREATE TABLE "WhatsAppLease" (
    "id" INTEGER NOT NULL,
    "holder" TEXT NOT NULL,
    "generation" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT,

    CONSTRAINT "WhatsAppLease_pkey" PRIMARY KEY ("id")
);

