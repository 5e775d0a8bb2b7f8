/*
  Warnings:

  - A unique constraint covering the columns `[remoteId]` on the table `Comment` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "Comment" ADD COLUMN "authorAvatar" TEXT;
ALTER TABLE "Comment" ADD COLUMN "authorHandle" TEXT;
ALTER TABLE "Comment" ADD COLUMN "remoteActor" TEXT;
ALTER TABLE "Comment" ADD COLUMN "remoteId" TEXT;
ALTER TABLE "Comment" ADD COLUMN "remoteUrl" TEXT;

-- CreateTable
CREATE TABLE "FediverseKv" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "expiresAt" DATETIME
);

-- CreateTable
CREATE TABLE "FediverseMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "payload" TEXT NOT NULL,
    "availableAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "FediverseFollower" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "inbox" TEXT NOT NULL,
    "sharedInbox" TEXT,
    "handle" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "followId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "FediverseKv_expiresAt_idx" ON "FediverseKv"("expiresAt");

-- CreateIndex
CREATE INDEX "FediverseMessage_availableAt_idx" ON "FediverseMessage"("availableAt");

-- CreateIndex
CREATE INDEX "FediverseFollower_domain_idx" ON "FediverseFollower"("domain");

-- CreateIndex
CREATE INDEX "FediverseFollower_createdAt_idx" ON "FediverseFollower"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Comment_remoteId_key" ON "Comment"("remoteId");
