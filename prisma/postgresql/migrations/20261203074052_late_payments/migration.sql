-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "autoRefundAt" TIMESTAMP(3),
ADD COLUMN     "latePayment" TEXT,
ADD COLUMN     "latePaymentOf" TEXT;

-- CreateIndex
CREATE INDEX "Order_latePayment_createdAt_idx" ON "Order"("latePayment", "createdAt");

-- CreateIndex
CREATE INDEX "Order_autoRefundAt_idx" ON "Order"("autoRefundAt");
