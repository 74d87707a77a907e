-- AlterTable
ALTER TABLE "Payment" ADD COLUMN "pluralOrderId" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "merchantOrderReference" TEXT NOT NULL,
    "pluralOrderId" TEXT,
    "cartId" TEXT,
    "amountInPaise" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'INR',
    "status" TEXT NOT NULL DEFAULT 'CREATED',
    "refundedInPaise" INTEGER NOT NULL DEFAULT 0,
    "retriesRemaining" INTEGER,
    "customerName" TEXT NOT NULL,
    "customerEmail" TEXT NOT NULL,
    "customerMobile" TEXT NOT NULL,
    "billingAddress" TEXT NOT NULL,
    "shippingAddress" TEXT NOT NULL,
    "pluralUpdatedAt" DATETIME,
    "lastSyncedAt" DATETIME,
    "nextSyncAt" DATETIME,
    "syncAttempts" INTEGER NOT NULL DEFAULT 0,
    "followUpAt" DATETIME,
    "latePayment" TEXT,
    "latePaymentOf" TEXT,
    "autoRefundAt" DATETIME,
    "pluralAttempt" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Order" ("amountInPaise", "autoRefundAt", "billingAddress", "cartId", "createdAt", "currency", "customerEmail", "customerMobile", "customerName", "followUpAt", "id", "lastSyncedAt", "latePayment", "latePaymentOf", "merchantOrderReference", "nextSyncAt", "pluralOrderId", "pluralUpdatedAt", "refundedInPaise", "retriesRemaining", "shippingAddress", "status", "syncAttempts", "updatedAt") SELECT "amountInPaise", "autoRefundAt", "billingAddress", "cartId", "createdAt", "currency", "customerEmail", "customerMobile", "customerName", "followUpAt", "id", "lastSyncedAt", "latePayment", "latePaymentOf", "merchantOrderReference", "nextSyncAt", "pluralOrderId", "pluralUpdatedAt", "refundedInPaise", "retriesRemaining", "shippingAddress", "status", "syncAttempts", "updatedAt" FROM "Order";
DROP TABLE "Order";
ALTER TABLE "new_Order" RENAME TO "Order";
CREATE UNIQUE INDEX "Order_merchantOrderReference_key" ON "Order"("merchantOrderReference");
CREATE UNIQUE INDEX "Order_pluralOrderId_key" ON "Order"("pluralOrderId");
CREATE INDEX "Order_status_createdAt_idx" ON "Order"("status", "createdAt");
CREATE INDEX "Order_cartId_idx" ON "Order"("cartId");
CREATE INDEX "Order_followUpAt_idx" ON "Order"("followUpAt");
CREATE INDEX "Order_latePayment_createdAt_idx" ON "Order"("latePayment", "createdAt");
CREATE INDEX "Order_customerEmail_createdAt_idx" ON "Order"("customerEmail", "createdAt");
CREATE INDEX "Order_autoRefundAt_idx" ON "Order"("autoRefundAt");
CREATE TABLE "new_Refund" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orderId" TEXT NOT NULL,
    "merchantRefundReference" TEXT NOT NULL,
    "pluralRefundId" TEXT,
    "amountInPaise" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'CREATED',
    "pluralOrderId" TEXT,
    "nextSyncAt" DATETIME,
    "syncAttempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Refund_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Refund" ("amountInPaise", "createdAt", "id", "merchantRefundReference", "orderId", "pluralRefundId", "status", "updatedAt") SELECT "amountInPaise", "createdAt", "id", "merchantRefundReference", "orderId", "pluralRefundId", "status", "updatedAt" FROM "Refund";
DROP TABLE "Refund";
ALTER TABLE "new_Refund" RENAME TO "Refund";
CREATE UNIQUE INDEX "Refund_merchantRefundReference_key" ON "Refund"("merchantRefundReference");
CREATE UNIQUE INDEX "Refund_pluralRefundId_key" ON "Refund"("pluralRefundId");
CREATE INDEX "Refund_orderId_idx" ON "Refund"("orderId");
CREATE INDEX "Refund_status_nextSyncAt_idx" ON "Refund"("status", "nextSyncAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Payment_pluralOrderId_idx" ON "Payment"("pluralOrderId");

-- Backfill: every payment so far was made on its order's one Plural order.
UPDATE "Payment" SET "pluralOrderId" = (SELECT "pluralOrderId" FROM "Order" WHERE "Order"."id" = "Payment"."orderId") WHERE "pluralOrderId" IS NULL;
