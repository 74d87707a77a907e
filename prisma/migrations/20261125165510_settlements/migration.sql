-- CreateTable
CREATE TABLE "Settlement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "utr" TEXT NOT NULL,
    "settledDate" TEXT,
    "settledAt" DATETIME,
    "lastProcessedDate" TEXT,
    "bankName" TEXT,
    "bankAccount" TEXT,
    "programs" TEXT NOT NULL,
    "transactionCount" INTEGER,
    "actualAmountInPaise" INTEGER,
    "totalAmountInPaise" INTEGER,
    "deductionInPaise" INTEGER,
    "totals" TEXT NOT NULL,
    "fetchedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SettlementLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "settlementId" TEXT NOT NULL,
    "transactionId" TEXT NOT NULL,
    "transactionAmountInPaise" INTEGER,
    "actualAmountInPaise" INTEGER,
    "deductionInPaise" INTEGER,
    "settledAmountInPaise" INTEGER,
    "processedDate" TEXT,
    "transactionDate" TEXT,
    "payoutStatus" TEXT,
    "program" TEXT,
    CONSTRAINT "SettlementLine_settlementId_fkey" FOREIGN KEY ("settlementId") REFERENCES "Settlement" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Settlement_utr_key" ON "Settlement"("utr");

-- CreateIndex
CREATE INDEX "Settlement_settledAt_idx" ON "Settlement"("settledAt");

-- CreateIndex
CREATE INDEX "SettlementLine_transactionId_idx" ON "SettlementLine"("transactionId");

-- CreateIndex
CREATE UNIQUE INDEX "SettlementLine_settlementId_transactionId_key" ON "SettlementLine"("settlementId", "transactionId");
