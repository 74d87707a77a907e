-- AlterTable
ALTER TABLE "OrderEvent" ADD COLUMN     "requestId" TEXT;

-- CreateIndex
CREATE INDEX "OrderEvent_requestId_idx" ON "OrderEvent"("requestId");
