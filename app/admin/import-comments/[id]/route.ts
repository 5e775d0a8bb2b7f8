import { t } from "@/lib/i18n";
import { isAdmin } from "@/lib/server/admin";
import { getImportJob } from "@/lib/comments/import-jobs";
import { db } from "@/lib/server/db";
import { importPage, jobPage } from "../import-page";

// An import's page: its progress while it runs (refreshing itself), then its report. Any
// instance answers it from the job's row.

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await isAdmin())) return importPage(t("admin.import.signInTitle"), t("admin.import.signIn"), 401);
  const { id } = await params;
  const job = /^[0-9a-f-]{36}$/.test(id) ? await getImportJob(id, db()) : null;
  if (!job) return importPage("No such import", "This import is not known (or was deleted).", 404);
  return jobPage(job);
}
