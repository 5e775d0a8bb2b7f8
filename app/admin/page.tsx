import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { z } from "zod";
import { adminEnabled, isAdmin } from "@/lib/server/admin";
import { settings, type Settings } from "@/lib/settings";
import { logout } from "@/lib/comments/admin-actions";
import { LoginForm } from "./LoginForm";
import { ADMIN_EXPORT_PATH, ADMIN_IMPORT_PATH } from "@/lib/routes";
import { OutboxPanel } from "./OutboxPanel";
import { AuthorMailSwitch } from "./AuthorMailSwitch";
import { parseModerationQuery } from "@/lib/comments/moderation-query";
import { ModerationList } from "./ModerationList";
import { BlocksPanel } from "./BlocksPanel";
import { ImportJobsPanel } from "./ImportJobsPanel";
import { ContentPanel } from "./ContentPanel";
import { describeImported } from "@/lib/comments/backup";

export const metadata: Metadata = { title: "Moderation", robots: { index: false, follow: false } };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const notices = z.object({
  imported: z.coerce.number().int().optional().catch(undefined),
  already: z.coerce.number().int().optional().catch(undefined),
  reactions: z.coerce.number().int().optional().catch(undefined),
  importError: z.string().max(300).optional().catch(undefined),
});

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

  const params = await searchParams;
  const { imported, already, reactions, importError } = notices.parse(params);
  const query = parseModerationQuery(params);
  const config = settings();
  return (
    <div className="admin">
      <h1>Moderation</h1>
      <ModerationSettings config={config} />
      {imported !== undefined && (
        <p role="status" className="notice">
          {describeImported({ added: imported, alreadyThere: already ?? 0, reactions: reactions ?? 0 })}
        </p>
      )}
      {importError && (
        <p role="alert" className="form-message error">
          {importError}
        </p>
      )}
      <ContentPanel />
      <ModerationList query={query} params={params} />
      <BlocksPanel query={query} />
      <BackupTools />
      <OutboxPanel />
      <AuthorMailSwitch />
      <form action={logout}>
        <button type="submit" className="secondary">
          Sign out
        </button>
      </form>
      <p className="meta">
        <Link href="/">Back to the site</Link>
      </p>
    </div>
  );
}

/** How new comments are treated, as the settings say, with links to the page's other panels. */
function ModerationSettings({ config }: { config: Settings }) {
  return (
    <p className="meta">
      New comments are{" "}
      {
        {
          pre: "held for approval (COMMENTS_MODERATION=pre)",
          first: "held for approval until a browser has one approved comment (COMMENTS_MODERATION=first)",
          post: "published at once (COMMENTS_MODERATION=post)",
        }[config.COMMENTS_MODERATION]
      }
      {config.SPAM_THRESHOLD > 0
        ? `; a spam score of ${config.SPAM_THRESHOLD} or more holds any comment (SPAM_THRESHOLD)`
        : "; the spam score is off (SPAM_THRESHOLD=0)"}
      . <a href="#bans">Bans and blocklists</a> · <a href="#backup-heading">Backup and import</a>
    </p>
  );
}

/** Export, import of our own export files, and the import from other comment systems with its jobs. */
function BackupTools() {
  return (
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
        <p className="meta">The import runs in the background: its page shows how far it has come, then its report.</p>
        <button type="submit" className="secondary">
          Import comments
        </button>
      </form>
      <ImportJobsPanel />
    </section>
  );
}
