import { readiness } from "@/lib/server/health";

// Readiness (READY_PATH): 200 when this instance can serve comments (the database answers, its
// migrations are current, it is not stopping), else 503 with the reason ("starting" while the
// database client makes its first query). See lib/server/health.ts.

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { ready, reason, cacheChannel } = await readiness();
  return Response.json(
    { status: ready ? "ready" : "unavailable", ...(reason ? { reason } : {}), cacheChannel },
    { status: ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
