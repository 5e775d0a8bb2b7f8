-- CreateTable
CREATE TABLE "ThreadLock" (
    "articleSlug" TEXT NOT NULL PRIMARY KEY,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Comment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "articleSlug" TEXT NOT NULL,
    "parentId" TEXT,
    "rootId" TEXT NOT NULL,
    "depth" INTEGER NOT NULL DEFAULT 1,
    "replyToName" TEXT,
    "authorName" TEXT NOT NULL,
    "authorUrl" TEXT,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'published',
    "submissionId" TEXT,
    "browserId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "editedAt" DATETIME,
    "deletedAt" DATETIME,
    "flags" TEXT,
    "pinned" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Comment_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Comment" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Comment" ("articleSlug", "authorName", "body", "browserId", "createdAt", "deletedAt", "depth", "editedAt", "id", "parentId", "replyToName", "rootId", "status", "submissionId") SELECT "articleSlug", "authorName", "body", "browserId", "createdAt", "deletedAt", "depth", "editedAt", "id", "parentId", "replyToName", "rootId", "status", "submissionId" FROM "Comment";
DROP TABLE "Comment";
ALTER TABLE "new_Comment" RENAME TO "Comment";
CREATE UNIQUE INDEX "Comment_submissionId_key" ON "Comment"("submissionId");
CREATE INDEX "Comment_articleSlug_parentId_createdAt_idx" ON "Comment"("articleSlug", "parentId", "createdAt");
CREATE INDEX "Comment_rootId_idx" ON "Comment"("rootId");
CREATE INDEX "Comment_createdAt_idx" ON "Comment"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
