-- CreateTable
CREATE TABLE "SimulatorSent" (
    "seq" SERIAL NOT NULL,
    "waId" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "clientRef" TEXT NOT NULL,
    "media" TEXT,

    CONSTRAINT "SimulatorSent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "SimulatorPhone" (
    "id" INTEGER NOT NULL,
    "mode" TEXT NOT NULL,
    "withoutWhatsApp" TEXT NOT NULL,

    CONSTRAINT "SimulatorPhone_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SimulatorSent_waId_key" ON "SimulatorSent"("waId");

