import {
  ImportFileError,
  skipped,
  type Progress,
  type SourceComment,
  type SourceRecord,
  type SourceSkip,
} from "./source";
import { at, say, WHOLE_FILE } from "./message";
import { isProblem, problemRecord, streamXml, xmlTrouble, type XmlRecord } from "./xml";

// WordPress eXtended RSS (WXR 1.2, Tools > Export): each <item> is a post with its <link>,
// <wp:post_name> (its slug: the article of the same slug is found without a map) and
// <wp:comment> children. Only readers' comments come in: pingbacks and trackbacks are notices
// from other sites, `note` comments (WordPress 6.9) the editors' private remarks on blocks, and
// WordPress exports both. Spam is skipped, trash kept only as the place of its replies,
// unapproved comments come in pending, a post closed to comments is locked. See
// tests/fixtures/import/README.md and real/SOURCES.md.

const STATES: Record<string, SourceComment["state"] | "spam"> = {
  "1": "published",
  "0": "pending",
  spam: "spam",
  trash: "deleted",
  "post-trashed": "deleted",
};
const POST_TYPES = new Set(["post", "page"]);
/** comment_type of a reader's comment: empty before WordPress 5.5, "comment" since. */
const COMMENT_TYPES = new Set(["", "comment"]);

const ITEM_FIELDS = ["link", "wp:post_id", "wp:post_name", "wp:post_type", "wp:comment_status"];
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

/** Comment ids of earlier posts and of this one, and this post's renamings of ids seen before. */
type Ids = { earlier: Set<string>; current: Set<string>; renamed: Map<string, string> };

export async function* readWordpress(file: string, onProgress?: Progress): AsyncGenerator<SourceRecord> {
  const wanted = (path: string[]) =>
    path[0] !== "rss" || path[1] !== "channel" || path[2] !== "item"
      ? null
      : path.length === 3
        ? ITEM_FIELDS
        : path.length === 4 && path[3] === "wp:comment"
          ? COMMENT_FIELDS
          : null;
  let items = 0;
  const ids: Ids = { earlier: new Set(), current: new Set(), renamed: new Map() };
  for await (const item of streamXml(file, wanted, onProgress)) {
    if (isProblem(item)) {
      yield problemRecord(item);
      continue;
    }
    if (item.path.length === 3) {
      items++;
      for (const id of ids.current) ids.earlier.add(id);
      ids.current.clear();
      ids.renamed.clear();
      const post = readItem(item);
      if (post) yield post;
      continue;
    }
    yield readComment(item, ids);
  }
  if (items === 0) throw new ImportFileError(WHOLE_FILE, "rss", say("admin.import.why.notWxr"));
}

/** The post itself, once its comments are read: closed to comments, it is locked. */
function readItem(item: XmlRecord): SourceRecord | null {
  const record = at("item", item.element.line);
  const trouble = xmlTrouble(item, record);
  if (trouble) return trouble;
  const type = item.fields.get("wp:post_type")?.trim() ?? "post";
  const url = item.fields.get("link")?.trim();
  if (!POST_TYPES.has(type) || !url || item.fields.get("wp:comment_status")?.trim() !== "closed") return null;
  return { kind: "thread", record, threadUrl: url, slug: item.fields.get("wp:post_name")?.trim(), locked: true };
}

function readComment(item: XmlRecord, ids: Ids): SourceComment | SourceSkip {
  const { element, fields, outer } = item;
  let id = fields.get("wp:comment_id")?.trim();
  const record = at(`wp:comment_id=${JSON.stringify(id ?? "")}`, element.line);
  if (item.outerTooDeep) return skipped(record, "too-deep", { detail: say("admin.import.why.itemTooDeep") });
  const trouble = xmlTrouble(item, record);
  if (trouble) return trouble;
  // Ids are the site's own; two posts with the same id come from files put together (Isso's test
  // export has one): the later one is told apart by its post, the same way every time.
  if (id && ids.earlier.has(id) && !ids.renamed.has(id)) {
    const post = outer?.get("wp:post_id")?.trim() || encodeURI(outer?.get("link")?.trim() ?? "").slice(0, 150);
    ids.renamed.set(id, `${id}@${post}`);
  }
  if (id) ids.current.add(id);
  id = (id && ids.renamed.get(id)) ?? id;
  const authorName = decodeEntities(fields.get("wp:comment_author")?.trim() ?? "");
  const skip = (reason: SourceSkip["reason"], more: Partial<SourceSkip> = {}) =>
    skipped(record, reason, { id, authorName, ...more });
  const postType = outer?.get("wp:post_type")?.trim() ?? "post";
  if (!POST_TYPES.has(postType))
    return skip("no-article", { detail: say("admin.import.why.notPost", { type: postType }) });
  const type = fields.get("wp:comment_type")?.trim() ?? "";
  if (type === "pingback" || type === "trackback") return skip("ping");
  if (type === "note") return skip("note");
  if (!COMMENT_TYPES.has(type))
    return skip("type", { detail: say("admin.import.why.commentType", { type: JSON.stringify(type.slice(0, 40)) }) });
  const approved = fields.get("wp:comment_approved")?.trim() ?? "1";
  const state = STATES[approved];
  if (!state)
    return skip("invalid", {
      field: "wp:comment_approved",
      detail: say("admin.import.why.unknownState", { state: JSON.stringify(approved.slice(0, 20)) }),
    });
  if (state === "spam") return skip("spam");
  const parent = fields.get("wp:comment_parent")?.trim();
  return {
    kind: "comment",
    record,
    id,
    parentId: parent && parent !== "0" ? (ids.renamed.get(parent) ?? parent) : null,
    threadUrl: outer?.get("link")?.trim() ?? "",
    slug: outer?.get("wp:post_name")?.trim() || undefined,
    authorName,
    authorUrl: fields.get("wp:comment_author_url")?.trim() || null,
    body: fields.get("wp:comment_content") ?? "",
    bodyFormat: "html-newlines",
    createdAt: dateOf(fields.get("wp:comment_date_gmt"), fields.get("wp:comment_date")),
    state,
  };
}

/** WordPress writes "2013-04-05 10:11:12", in UTC in _gmt (all zeros when unknown): made ISO. */
function dateOf(gmt: string | undefined, local: string | undefined): string | undefined {
  const date = gmt?.trim() && !gmt.trim().startsWith("0000") ? gmt.trim() : local?.trim();
  return date && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(date) ? `${date.replace(" ", "T")}Z` : date;
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  laquo: "«",
  raquo: "»",
  hellip: "…",
  ndash: "–",
  mdash: "—",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
};

/** WordPress keeps names escaped as HTML ("Ping 1 &laquo; What&#8217;s"); its pages show them decoded. */
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (entity, name: string) => {
    if (name[0] !== "#") return NAMED[name.toLowerCase()] ?? entity;
    const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : entity;
  });
}
