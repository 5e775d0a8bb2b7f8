-- AlterTable
ALTER TABLE "Comment" ADD COLUMN     "byAuthor" BOOLEAN NOT NULL DEFAULT false;
