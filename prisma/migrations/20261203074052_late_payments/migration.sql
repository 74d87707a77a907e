-- AlterTable
ALTER TABLE "Order" ADD COLUMN "autoRefundAt" DATETIME;
ALTER TABLE "Order" ADD COLUMN "latePayment" TEXT;
ALTER TABLE "Order" ADD COLUMN "latePaymentOf" TEXT;

-- CreateIndex
CREATE INDEX "Order_latePayment_createdAt_idx" ON "Order"("latePayment", "createdAt");

-- CreateIndex
CREATE INDEX "Order_autoRefundAt_idx" ON "Order"("autoRefundAt");
