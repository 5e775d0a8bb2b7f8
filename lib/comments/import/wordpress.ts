import { ImportFileError, skippedRecord, streamXml, TOO_DEEP, type Progress, type SourceComment } from "./source";

// WordPress eXtended RSS (WXR 1.2, Tools > Export): each <item> is a post with its <link> and
// <wp:comment> children. See tests/fixtures/import/README.md for the sources of the format.

const STATES: Record<string, SourceComment["state"]> = {
  "1": "published",
  "0": "pending",
  spam: "spam",
  trash: "deleted",
};
const POST_TYPES = new Set(["post", "page"]);

const ITEM_FIELDS = ["link", "wp:post_type"];
const COMMENT_FIELDS = [
  "wp:comment_id",
  "wp:comment_author",
  "wp:comment_author_url",
  "wp:comment_date",
  "wp:comment_date_gmt",
  "wp:comment_content",
  "wp:comment_approved",
  "wp:comment_type",
  "wp:comment_parent",
];

export async function* readWordpress(file: string, onProgress?: Progress): AsyncGenerator<SourceComment> {
  const wanted = (path: string[]) =>
    path[0] !== "rss" || path[1] !== "channel" || path[2] !== "item"
      ? null
      : path.length === 3
        ? ITEM_FIELDS
        : path.length === 4 && path[3] === "wp:comment"
          ? COMMENT_FIELDS
          : null;
  let items = 0;
  for await (const { path, element, fields, outer, tooDeep, outerTooDeep } of streamXml(file, wanted, onProgress)) {
    if (path.length === 3) {
      items++;
      if (tooDeep) yield skippedRecord(`item (line ${element.line})`, TOO_DEEP);
      continue;
    }
    if (tooDeep || outerTooDeep) {
      yield skippedRecord(
        `wp:comment (line ${element.line})`,
        tooDeep ? TOO_DEEP : "its item holds elements nested too deep; skipped",
      );
      continue;
    }
    // <link> and <wp:post_type> come before the comments in an item, as export.php writes it.
    if (!POST_TYPES.has(outer?.get("wp:post_type")?.trim() ?? "post")) continue;
    const id = fields.get("wp:comment_id")?.trim();
    const type = fields.get("wp:comment_type")?.trim() ?? "";
    const approved = fields.get("wp:comment_approved")?.trim() ?? "1";
    const record = `wp:comment_id=${JSON.stringify(id ?? "")} (line ${element.line})`;
    const state = STATES[approved];
    if (!state)
      throw new ImportFileError(
        record,
        "wp:comment_approved",
        `unknown state ${JSON.stringify(approved.slice(0, 20))}`,
      );
    const gmt = fields.get("wp:comment_date_gmt")?.trim();
    const local = fields.get("wp:comment_date")?.trim();
    const date = gmt && !gmt.startsWith("0000") ? gmt : local;
    const parent = fields.get("wp:comment_parent")?.trim();
    yield {
      record,
      id,
      parentId: parent && parent !== "0" ? parent : null,
      threadUrl: outer?.get("link")?.trim() ?? "",
      authorName: fields.get("wp:comment_author")?.trim() ?? "",
      authorUrl: fields.get("wp:comment_author_url")?.trim() || null,
      body: fields.get("wp:comment_content") ?? "",
      bodyFormat: "html-newlines",
      // WordPress writes "2013-04-05 10:11:12" (UTC in _gmt); made ISO so validation reads it.
      createdAt: date && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(date) ? `${date.replace(" ", "T")}Z` : date,
      // Pingbacks and trackbacks are notices from other sites, not discussion.
      state: type === "pingback" || type === "trackback" ? "skip" : state,
    };
  }
  if (items === 0)
    throw new ImportFileError("file", "rss", "no <item> under <rss><channel>: is this a WordPress export (WXR)?");
}
