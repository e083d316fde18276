-- CreateTable
CREATE TABLE "RateHit" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "at" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "RateHit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RateHit_key_at_idx" ON "RateHit"("key", "at");

-- CreateIndex
CREATE INDEX "RateHit_at_idx" ON "RateHit"("at");

