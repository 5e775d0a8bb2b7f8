import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { z } from "zod";
import { adminEnabled, isAdmin } from "@/lib/server/admin";
import { listLatestComments, type CommentStatus } from "@/lib/comments/store";
import { settings } from "@/lib/settings";
import { shortTime } from "@/lib/format";
import { logout, moderate } from "@/lib/server/admin-actions";
import { LoginForm } from "./LoginForm";
import { ADMIN_EXPORT_PATH, ADMIN_IMPORT_PATH, adminPath, commentPath } from "@/lib/routes";
import { OutboxPanel } from "./OutboxPanel";

export const metadata: Metadata = { title: "Moderation", robots: { index: false, follow: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const query = z.object({
  status: z.enum(["pending", "published", "hidden"]).optional().catch(undefined),
  imported: z.coerce.number().int().optional().catch(undefined),
  reactions: z.coerce.number().int().optional().catch(undefined),
  importError: z.string().max(300).optional().catch(undefined),
});

const FILTERS: Array<[CommentStatus | undefined, string]> = [
  [undefined, "All"],
  ["pending", "Awaiting approval"],
  ["published", "Published"],
  ["hidden", "Hidden"],
];

export default async function AdminPage({ searchParams }: Props) {
  // Rendered per request: whether the admin is enabled is read from the running server's environment.
  await connection();
  if (!adminEnabled()) {
    return (
      <>
        <h1>Moderation</h1>
        <p>
          The admin is disabled because no password is set. To enable it, add a line
          <code> ADMIN_PASSWORD=a-long-passphrase </code> to <code>.env.local</code> (or set the environment variable)
          and restart the site.
        </p>
      </>
    );
  }
  if (!(await isAdmin())) {
    return (
      <>
        <h1>Moderation</h1>
        <p>Sign in with the admin password to moderate comments.</p>
        <LoginForm />
      </>
    );
  }

  const { status, imported, reactions, importError } = query.parse(await searchParams);
  const comments = await listLatestComments({ status, limit: 200 });
  return (
    <>
      <h1>Moderation</h1>
      <p className="meta">
        New comments are{" "}
        {
          {
            pre: "held for approval (COMMENTS_MODERATION=pre)",
            first: "held for approval until a browser has one approved comment (COMMENTS_MODERATION=first)",
            post: "published at once (COMMENTS_MODERATION=post)",
          }[settings().COMMENTS_MODERATION]
        }
        .
      </p>
      {imported !== undefined && (
        <p role="status" className="notice">
          Imported {imported} comments and {reactions ?? 0} reactions.
        </p>
      )}
      {importError && (
        <p role="alert" className="form-message error">
          {importError}
        </p>
      )}
      <nav className="comment-sort" aria-label="Filter comments">
        {FILTERS.map(([value, label]) => (
          <Link
            key={label}
            href={adminPath(value ? { status: value } : undefined)}
            aria-current={value === status ? "true" : undefined}
          >
            {label}
          </Link>
        ))}
      </nav>
      {comments.length === 0 ? (
        <p className="empty">No comments here.</p>
      ) : (
        <ol className="admin-list">
          {comments.map((comment) => (
            <li key={comment.id} className="admin-comment" data-status={comment.status}>
              <p className="comment-meta">
                <span className="comment-author">{comment.authorName}</span> on{" "}
                <Link href={commentPath(comment.articleSlug, comment.id)}>{comment.articleSlug}</Link>,{" "}
                <time dateTime={comment.createdAt.toISOString()}>{shortTime(comment.createdAt)}</time>
                {comment.editedAt && " (edited)"} ·{" "}
                <span className={`status status-${comment.status}`}>{comment.status}</span>
              </p>
              {/* The raw markdown, shown as text: moderators see exactly what was written. */}
              <p className="comment-source">{comment.body}</p>
              <form action={moderate} className="admin-actions">
                <input type="hidden" name="id" value={comment.id} />
                <input type="hidden" name="slug" value={comment.articleSlug} />
                {comment.status === "pending" && (
                  <button name="action" value="approve">
                    Approve
                  </button>
                )}
                {comment.status === "hidden" ? (
                  <button name="action" value="unhide" className="secondary">
                    Unhide
                  </button>
                ) : (
                  <button name="action" value="hide" className="secondary">
                    Hide
                  </button>
                )}
                <button name="action" value="delete" className="danger">
                  Delete
                </button>
              </form>
            </li>
          ))}
        </ol>
      )}
      <section className="admin-tools" aria-labelledby="backup-heading">
        <h2 id="backup-heading">Backup</h2>
        <p>
          <a href={ADMIN_EXPORT_PATH} download>
            Export all comments (JSON)
          </a>{" "}
          ·{" "}
          <a href={`${ADMIN_EXPORT_PATH}?emails=1`} download>
            with subscribers&apos; email addresses
          </a>{" "}
          (keep that file private: it holds readers&apos; addresses)
        </p>
        <form action={ADMIN_IMPORT_PATH} method="post" encType="multipart/form-data" className="import-form">
          <label htmlFor="import-file">Import an export file (comments are added or overwritten by id)</label>
          <input id="import-file" name="file" type="file" accept="application/json,.json" required />
          <button type="submit" className="secondary">
            Import
          </button>
        </form>
        <form action="/admin/import-comments" method="post" encType="multipart/form-data" className="import-form">
          <h3>Move in from another comment system</h3>
          <label htmlFor="import-format">Export of</label>
          <select id="import-format" name="format" required defaultValue="disqus">
            <option value="disqus">Disqus (XML export)</option>
            <option value="wordpress">WordPress (WXR export)</option>
            <option value="remark42">Remark42 (backup, unzipped)</option>
            <option value="isso">Isso (SQLite database)</option>
          </select>
          <label htmlFor="import-other-file">File</label>
          <input id="import-other-file" name="file" type="file" required />
          <label htmlFor="import-map">Old URLs to new, one per line (e.g. /2015/*=/articles/*)</label>
          <textarea id="import-map" name="map" rows={2} maxLength={20000} />
          <label>
            <input type="checkbox" name="dryRun" defaultChecked /> Dry run: report only, change nothing
          </label>
          <button type="submit" className="secondary">
            Import comments
          </button>
        </form>
      </section>
      <OutboxPanel />
      <form action={logout}>
        <button type="submit" className="secondary">
          Sign out
        </button>
      </form>
    </>
  );
}
