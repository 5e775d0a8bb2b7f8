-- DropIndex
DROP INDEX "Comment_fingerprint_idx";

-- CreateIndex
CREATE INDEX "Comment_fingerprint_createdAt_idx" ON "Comment"("fingerprint", "createdAt");
