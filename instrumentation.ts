// Next.js calls register() once when a server process starts: the outbox's sender loop runs there,
// one per process (see lib/server/sender.ts). Not in the Edge runtime, which has no database.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startSender } = await import("./lib/server/sender");
    startSender();
  }
}
