-- AlterTable
ALTER TABLE "Comment" ADD COLUMN     "html" TEXT,
ADD COLUMN     "htmlVersion" INTEGER;
