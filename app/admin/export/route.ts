import { isAdmin } from "@/lib/server/admin";
import { exportComments } from "@/lib/comments/backup";

/** Every comment and reaction as one JSON file, for a backup or a move (see /admin/import). */
export async function GET() {
  if (!(await isAdmin())) return Response.json({ error: "Sign in at /admin first." }, { status: 401 });
  const data = await exportComments();
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="marginalia-comments-${data.exportedAt.slice(0, 10)}.json"`,
      "cache-control": "no-store",
    },
  });
}
