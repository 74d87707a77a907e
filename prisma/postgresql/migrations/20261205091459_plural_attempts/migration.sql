-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "pluralAttempt" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "pluralOrderId" TEXT;

-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "nextSyncAt" TIMESTAMP(3),
ADD COLUMN     "pluralOrderId" TEXT,
ADD COLUMN     "syncAttempts" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Payment_pluralOrderId_idx" ON "Payment"("pluralOrderId");

-- CreateIndex
CREATE INDEX "Refund_status_nextSyncAt_idx" ON "Refund"("status", "nextSyncAt");

-- Backfill: every payment so far was made on its order's one Plural order.
UPDATE "Payment" SET "pluralOrderId" = (SELECT "pluralOrderId" FROM "Order" WHERE "Order"."id" = "Payment"."orderId") WHERE "pluralOrderId" IS NULL;
