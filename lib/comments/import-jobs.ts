import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { db as defaultDb, type Db } from "../server/db";
import { onShutdown } from "../server/lifecycle";
import { importFrom } from "./service";
import type { PathMap } from "./import/paths";
import type { ImportCounts, ImportReport } from "./import/run";
import { ImportFileError, type ImportFormat } from "./import/source";
import { say } from "./import/message";
import { storedJobError } from "./import/report";
import { processWide } from "../process-wide";

// An import from /admin runs as a job, not inside the request that uploaded the file: the upload
// is answered at once with the job's page, and the instance that took the file reads it in slices
// of a few milliseconds, yielding to the event loop between them, so readers' requests on the
// same instance never wait long on it. Writes go through the service (importFrom) as the CLI's do.
// The job's row (ImportJob) holds its state, counts and report, so any instance can show it; the
// instance running it writes its counts every second, and a running job not heard from for
// STALE_MS (its instance stopped) shows as failed. `npm run import` runs in its own process and
// needs none of this.

/** The longest the import holds the event loop before letting other requests in. */
const SLICE_MS = 5;
const HEARTBEAT_MS = 1_000;
/** A running job whose row was not updated for this long had its instance stop. */
export const STALE_MS = 60_000;
const STOPPED = "The server stopped during the import; nothing was written. Upload the file again.";

export type ImportJobStatus = "running" | "done" | "refused" | "failed";
export type ImportJobView = {
  id: string;
  format: string;
  dryRun: boolean;
  fileName: string;
  status: ImportJobStatus;
  phase: ImportCounts["phase"];
  read: number;
  imported: number;
  skipped: number;
  report: ImportReport | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
};

// The latest counts of the jobs this process runs. On SQLite the row cannot be written while the
// import's transaction is open (the adapter holds other writes back), so the page reads them here.
const live = processWide("import-jobs", () => new Map<string, ImportCounts>());

export type StartImport = {
  format: ImportFormat;
  /** The uploaded file, in `folder`, which the job removes when it ends. */
  file: string;
  folder: string;
  fileName: string;
  slugs: ReadonlySet<string>;
  maps: readonly PathMap[];
  dryRun: boolean;
};

export type StartResult = { kind: "started"; id: string } | { kind: "busy"; id: string };

/** Starts the import in the background and returns its id; one import runs at a time. */
export async function startImportJob(input: StartImport, db: Db = defaultDb(), now = new Date()): Promise<StartResult> {
  const busy =
    [...live.keys()][0] ??
    (
      await db.importJob.findFirst({
        where: { status: "running", heartbeatAt: { gt: new Date(now.getTime() - STALE_MS) } },
        select: { id: true },
      })
    )?.id;
  if (busy) {
    fs.rmSync(input.folder, { recursive: true, force: true });
    return { kind: "busy", id: busy };
  }
  const id = randomUUID();
  await db.importJob.create({
    data: { id, format: input.format, dryRun: input.dryRun, fileName: input.fileName.slice(0, 200) },
  });
  live.set(id, { phase: "checking", read: 0, imported: 0, skipped: 0 });
  onShutdown("import-jobs", markStopped);
  void runImportJob(id, input, db);
  return { kind: "started", id };
}

async function runImportJob(id: string, input: StartImport, db: Db): Promise<void> {
  let sliceStart = performance.now();
  let lastBeat = Date.now();
  let beat: Promise<unknown> | null = null;
  const afterRecord = async (counts: ImportCounts) => {
    live.set(id, counts);
    if (!beat && Date.now() - lastBeat >= HEARTBEAT_MS) {
      lastBeat = Date.now();
      beat = db.importJob
        .update({ where: { id }, data: { ...counts, heartbeatAt: new Date() } })
        .catch(() => undefined) // a lost beat is retried with the next one
        .finally(() => (beat = null));
    }
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  };
  let outcome: { status: ImportJobStatus; report?: ImportReport; error?: string };
  try {
    const report = await importFrom({ ...input, afterRecord }, db);
    outcome = { status: report.refusedCount > 0 ? "refused" : "done", report };
  } catch (error) {
    if (!(error instanceof ImportFileError)) console.error("admin: comment import failed", { job: id, error });
    outcome = {
      status: "failed",
      error: storedJobError(
        error instanceof ImportFileError
          ? { record: error.record, field: error.field, reason: error.reason }
          : say("admin.import.notStored"),
      ),
    };
  }
  // The file goes first, and the job leaves `live` last: while it is there this instance shows it
  // running (view), so whoever sees it done finds the upload gone and may start the next one.
  fs.rmSync(input.folder, { recursive: true, force: true });
  try {
    await beat;
    const report = outcome.report;
    await db.importJob.update({
      where: { id },
      data: {
        status: outcome.status,
        error: outcome.error ?? null,
        report: report ? JSON.stringify(report) : null,
        ...(report && {
          read: report.read,
          imported: report.added + report.alreadyThere,
          skipped: report.skippedCount,
        }),
        heartbeatAt: new Date(),
        finishedAt: new Date(),
      },
    });
  } catch (error) {
    console.error("admin: an import's outcome could not be stored", { job: id, outcome: outcome.status, error });
  } finally {
    live.delete(id);
  }
}

/** On SIGTERM: the jobs this process runs end with it (their transaction is rolled back). */
async function markStopped(db: Db = defaultDb()) {
  const ids = [...live.keys()];
  if (ids.length === 0) return;
  await db.importJob.updateMany({
    where: { id: { in: ids }, status: "running" },
    data: { status: "failed", error: STOPPED, finishedAt: new Date() },
  });
}

type Row = NonNullable<Awaited<ReturnType<Db["importJob"]["findUnique"]>>>;

function view(row: Row, now: Date): ImportJobView {
  const counts = live.get(row.id);
  const stale = row.status === "running" && !counts && now.getTime() - row.heartbeatAt.getTime() > STALE_MS;
  let report: ImportReport | null = null;
  try {
    report = row.report ? (JSON.parse(row.report) as ImportReport) : null;
  } catch {
    report = null;
  }
  return {
    id: row.id,
    format: row.format,
    dryRun: row.dryRun,
    fileName: row.fileName,
    status: stale ? "failed" : counts ? "running" : (row.status as ImportJobStatus),
    phase: counts?.phase ?? (row.phase === "importing" ? "importing" : "checking"),
    read: counts?.read ?? row.read,
    imported: counts?.imported ?? row.imported,
    skipped: counts?.skipped ?? row.skipped,
    report,
    error: stale ? STOPPED : row.error,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

export async function getImportJob(id: string, db: Db = defaultDb(), now = new Date()): Promise<ImportJobView | null> {
  const row = await db.importJob.findUnique({ where: { id } });
  return row && view(row, now);
}

/** The latest imports, newest first, for /admin. */
export async function listImportJobs(take = 5, db: Db = defaultDb(), now = new Date()): Promise<ImportJobView[]> {
  const rows = await db.importJob.findMany({ orderBy: { createdAt: "desc" }, take });
  return rows.map((row) => view(row, now));
}
