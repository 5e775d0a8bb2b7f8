import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { z } from "zod";
import { adminEnabled, isAdmin } from "@/lib/server/admin";
import { settings, type Settings } from "@/lib/settings";
import { logout } from "@/lib/comments/admin-actions";
import { LoginForm } from "./LoginForm";
import { ActionForm } from "@/components/ActionForm";
import { ADMIN_EXPORT_PATH, ADMIN_IMPORT_PATH, ADMIN_PATH } from "@/lib/routes";
import { OutboxPanel } from "./OutboxPanel";
import { FollowersPanel } from "./FollowersPanel";
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
      <FollowersPanel />
      <AuthorMailSwitch />
      <ActionForm action={logout} permalink={ADMIN_PATH}>
        <button type="submit" className="secondary">
          Sign out
        </button>
      </ActionForm>
      <p className="meta">
        <Link href="/">Back to the site</Link>
      </p>
    </div>
  );
}

const MODERATION_WORDS: Record<Settings["COMMENTS_MODERATION"], string> = {
  post: "New comments appear as soon as they are posted.",
  pre: "New comments wait for your approval before readers see them.",
  first: "A reader's first comment waits for your approval; once you approve one, their next ones appear at once.",
};

/**
 * How new comments are treated, in the author's words, with links to the page's other panels. The
 * settings behind them (docs/configuration.md) are named only where the author asks how to change them.
 */
function ModerationSettings({ config }: { config: Settings }) {
  return (
    <div className="admin-summary">
      <p>
        {MODERATION_WORDS[config.COMMENTS_MODERATION]}{" "}
        {config.SPAM_THRESHOLD > 0
          ? "Comments that look like spam wait for you too."
          : "Comments are not checked for spam."}
      </p>
      <details className="meta">
        <summary>How to change this</summary>
        <p>
          Set <code>COMMENTS_MODERATION</code> (now <code>{config.COMMENTS_MODERATION}</code>: <code>post</code>,{" "}
          <code>pre</code> or <code>first</code>) and <code>SPAM_THRESHOLD</code> (now{" "}
          <code>{config.SPAM_THRESHOLD}</code>; <code>0</code> turns the spam check off) in the site&apos;s environment,
          then restart it.
        </p>
      </details>
      <p className="meta">
        <a href="#bans">Bans and blocklists</a> · <a href="#backup-heading">Backup and import</a>
      </p>
    </div>
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
        <select id="import-format" name="format" defaultValue="disqus">
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
