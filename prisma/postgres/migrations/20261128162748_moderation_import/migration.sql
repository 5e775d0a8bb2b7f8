-- AlterTable
ALTER TABLE "Comment" ADD COLUMN     "authorUrl" TEXT,
ADD COLUMN     "flags" TEXT,
ADD COLUMN     "pinned" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ThreadLock" (
    "articleSlug" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ThreadLock_pkey" PRIMARY KEY ("articleSlug")
);
