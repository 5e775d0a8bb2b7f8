-- AlterTable
ALTER TABLE "Comment" ADD COLUMN "html" TEXT;
ALTER TABLE "Comment" ADD COLUMN "htmlVersion" INTEGER;
