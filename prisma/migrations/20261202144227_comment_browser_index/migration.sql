-- CreateIndex
CREATE INDEX "Comment_browserId_articleSlug_createdAt_idx" ON "Comment"("browserId", "articleSlug", "createdAt");
