import { isAdmin } from "@/lib/server/admin";
import { exportComments } from "@/lib/comments/backup";

/**
 * Every comment and reaction as one JSON file, for a backup or a move (see /admin/import); with
 * `?emails=1`, readers' email addresses and what they follow too, which only the author asks for.
 */
export async function GET(request: Request) {
  if (!(await isAdmin())) return Response.json({ error: "Sign in at /admin first." }, { status: 401 });
  const emails = new URL(request.url).searchParams.get("emails") === "1";
  const data = await exportComments(undefined, undefined, { emails });
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="marginalia-comments${emails ? "-with-emails" : ""}-${data.exportedAt.slice(0, 10)}.json"`,
      "cache-control": "no-store",
    },
  });
}
