-- CreateTable
CREATE TABLE "RateHit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "at" REAL NOT NULL
);

-- CreateIndex
CREATE INDEX "RateHit_key_at_idx" ON "RateHit"("key", "at");

-- CreateIndex
CREATE INDEX "RateHit_at_idx" ON "RateHit"("at");

