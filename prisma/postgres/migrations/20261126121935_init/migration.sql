-- CreateTable
CREATE TABLE "Comment" (
    "id" TEXT NOT NULL,
    "articleSlug" TEXT NOT NULL,
    "authorName" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Comment_articleSlug_createdAt_idx" ON "Comment"("articleSlug", "createdAt");
