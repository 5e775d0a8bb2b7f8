import { Readable } from "node:stream";
import { isAdmin } from "@/lib/server/admin";
import { exportText } from "@/lib/comments/backup";
import { db } from "@/lib/server/db";

/**
 * Every comment and reaction as one JSON file, for a backup or a move (see /admin/import); with
 * `?emails=1`, readers' email addresses and what they follow too, which only the author asks for.
 * Streamed as it is read: a large site's file is never whole in memory.
 */
export async function GET(request: Request) {
  if (!(await isAdmin())) return Response.json({ error: "Sign in at /admin first." }, { status: 401 });
  const emails = new URL(request.url).searchParams.get("emails") === "1";
  const now = new Date();
  const body = Readable.toWeb(Readable.from(exportText(db(), now, { emails }))) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="marginalia-comments${emails ? "-with-emails" : ""}-${now.toISOString().slice(0, 10)}.json"`,
      "cache-control": "no-store",
    },
  });
}
