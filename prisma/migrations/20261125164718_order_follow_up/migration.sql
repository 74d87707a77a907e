-- AlterTable
ALTER TABLE "Order" ADD COLUMN "followUpAt" DATETIME;

-- CreateIndex
CREATE INDEX "Order_followUpAt_idx" ON "Order"("followUpAt");
