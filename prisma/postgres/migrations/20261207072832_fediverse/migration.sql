/*
  Warnings:

  - A unique constraint covering the columns `[remoteId]` on the table `Comment` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "Comment" ADD COLUMN     "authorAvatar" TEXT,
ADD COLUMN     "authorHandle" TEXT,
ADD COLUMN     "remoteActor" TEXT,
ADD COLUMN     "remoteId" TEXT,
ADD COLUMN     "remoteUrl" TEXT;

-- CreateTable
CREATE TABLE "FediverseKv" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),

    CONSTRAINT "FediverseKv_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "FediverseMessage" (
    "id" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FediverseMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FediverseFollower" (
    "id" TEXT NOT NULL,
    "inbox" TEXT NOT NULL,
    "sharedInbox" TEXT,
    "handle" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "followId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FediverseFollower_pkey" PRIMARY KEY ("id")
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
