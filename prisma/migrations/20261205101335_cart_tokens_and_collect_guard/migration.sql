-- The cart cookie becomes a random token, and only its hash is stored (issue #18). A cart made
-- before this has no token: it gets a hash no token can have, and its shopper a new cart.
-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Cart" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Cart" ("createdAt", "id", "tokenHash", "updatedAt") SELECT "createdAt", "id", 'legacy:' || "id", "updatedAt" FROM "Cart";
DROP TABLE "Cart";
ALTER TABLE "new_Cart" RENAME TO "Cart";
CREATE UNIQUE INDEX "Cart_tokenHash_key" ON "Cart"("tokenHash");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN "ownerHash" TEXT;
ALTER TABLE "Order" ADD COLUMN "collectRequests" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Order" ADD COLUMN "collectPayers" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Order" ADD COLUMN "lastCollectAt" DATETIME;
