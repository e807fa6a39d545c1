-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "merged_into" TEXT;

