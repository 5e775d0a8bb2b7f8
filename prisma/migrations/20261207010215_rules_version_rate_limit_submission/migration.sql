-- AlterTable
ALTER TABLE "RateLimitHit" ADD COLUMN "submission" TEXT;

-- CreateTable
CREATE TABLE "RulesVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0
);
