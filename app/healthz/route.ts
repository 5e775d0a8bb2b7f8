// Liveness (HEALTH_PATH): the process answers. No database: a load balancer or systemd watchdog that
// restarts on failure must not restart every instance because PostgreSQL is away (that is /readyz).
// Not logged (server.ts), not cached, outside proxy.ts.

export const dynamic = "force-dynamic";

export function GET(): Response {
  return new Response("ok\n", {
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
