-- CreateIndex
CREATE INDEX "Comment_articleSlug_status_deletedAt_idx" ON "Comment"("articleSlug", "status", "deletedAt");
