-- The cart cookie becomes a random token, and only its hash is stored (issue #18). A cart made
-- before this has no token: it gets a hash no token can have, and its shopper a new cart.
-- AlterTable
ALTER TABLE "Cart" ADD COLUMN     "tokenHash" TEXT;
UPDATE "Cart" SET "tokenHash" = 'legacy:' || "id";
ALTER TABLE "Cart" ALTER COLUMN "tokenHash" SET NOT NULL;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "collectPayers" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "collectRequests" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lastCollectAt" TIMESTAMP(3),
ADD COLUMN     "ownerHash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Cart_tokenHash_key" ON "Cart"("tokenHash");
