-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "followUpAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Order_followUpAt_idx" ON "Order"("followUpAt");
