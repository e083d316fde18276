-- CreateTable
CREATE TABLE "SimulatorSent" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "waId" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "clientRef" TEXT NOT NULL,
    "media" TEXT
);

-- CreateTable
CREATE TABLE "SimulatorPhone" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "mode" TEXT NOT NULL,
    "withoutWhatsApp" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "SimulatorSent_waId_key" ON "SimulatorSent"("waId");

