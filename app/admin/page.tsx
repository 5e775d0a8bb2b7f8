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
import { pick, t } from "@/lib/i18n";
import { rich } from "@/lib/i18n/rich";

export const generateMetadata = (): Metadata => ({ title: t("admin.title"), robots: { index: false, follow: false } });

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
        <h1>{t("admin.title")}</h1>
        <p>
          {rich(t, "admin.disabled", {
            line: <code>ADMIN_PASSWORD=a-long-passphrase</code>,
            file: <code>.env.local</code>,
          })}
        </p>
      </>
    );
  }
  if (!(await isAdmin())) {
    return (
      <>
        <h1>{t("admin.title")}</h1>
        <p>{t("admin.signInHint")}</p>
        <LoginForm words={pick(["admin.password", "admin.signIn", "admin.signingIn"])} />
      </>
    );
  }

  const params = await searchParams;
  const { imported, already, reactions, importError } = notices.parse(params);
  const query = parseModerationQuery(params);
  const config = settings();
  return (
    <div className="admin">
      <h1>{t("admin.title")}</h1>
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
          {t("admin.signOut")}
        </button>
      </ActionForm>
      <p className="meta">
        <Link href="/">{t("admin.back")}</Link>
      </p>
    </div>
  );
}

const MODERATION_WORDS = {
  post: "admin.mode.post",
  pre: "admin.mode.pre",
  first: "admin.mode.first",
} as const satisfies Record<Settings["COMMENTS_MODERATION"], string>;

/**
 * How new comments are treated, in the author's words, with links to the page's other panels. The
 * settings behind them (docs/configuration.md) are named only where the author asks how to change them.
 */
function ModerationSettings({ config }: { config: Settings }) {
  return (
    <div className="admin-summary">
      <p>
        {t(MODERATION_WORDS[config.COMMENTS_MODERATION])}{" "}
        {t(config.SPAM_THRESHOLD > 0 ? "admin.spamOn" : "admin.spamOff")}
      </p>
      <details className="meta">
        <summary>{t("admin.howToChange")}</summary>
        <p>
          {rich(t, "admin.howToChangeText", {
            moderation: <code>COMMENTS_MODERATION</code>,
            mode: <code>{config.COMMENTS_MODERATION}</code>,
            post: <code>post</code>,
            pre: <code>pre</code>,
            first: <code>first</code>,
            spam: <code>SPAM_THRESHOLD</code>,
            threshold: <code>{config.SPAM_THRESHOLD}</code>,
            zero: <code>0</code>,
          })}
        </p>
      </details>
      <p className="meta">
        <a href="#bans">{t("admin.bansLink")}</a> · <a href="#backup-heading">{t("admin.backupLink")}</a>
      </p>
    </div>
  );
}

/** Export, import of our own export files, and the import from other comment systems with its jobs. */
function BackupTools() {
  return (
    <section className="admin-tools" aria-labelledby="backup-heading">
      <h2 id="backup-heading">{t("admin.backup.heading")}</h2>
      <p>
        <a href={ADMIN_EXPORT_PATH} download>
          {t("admin.backup.export")}
        </a>{" "}
        ·{" "}
        <a href={`${ADMIN_EXPORT_PATH}?emails=1`} download>
          {t("admin.backup.withEmails")}
        </a>{" "}
        {t("admin.backup.private")}
      </p>
      <form action={ADMIN_IMPORT_PATH} method="post" encType="multipart/form-data" className="import-form">
        <label htmlFor="import-file">{t("admin.backup.importFile")}</label>
        <input id="import-file" name="file" type="file" accept="application/json,.json" required />
        <button type="submit" className="secondary">
          {t("admin.backup.import")}
        </button>
      </form>
      <form action="/admin/import-comments" method="post" encType="multipart/form-data" className="import-form">
        <h3>{t("admin.backup.other")}</h3>
        <label htmlFor="import-format">{t("admin.backup.exportOf")}</label>
        <select id="import-format" name="format" defaultValue="disqus">
          <option value="disqus">{t("admin.backup.disqus")}</option>
          <option value="wordpress">{t("admin.backup.wordpress")}</option>
          <option value="remark42">{t("admin.backup.remark42")}</option>
          <option value="isso">{t("admin.backup.isso")}</option>
        </select>
        <label htmlFor="import-other-file">{t("admin.backup.file")}</label>
        <input id="import-other-file" name="file" type="file" required />
        <label htmlFor="import-map">{t("admin.backup.map")}</label>
        <textarea id="import-map" name="map" rows={2} maxLength={20000} />
        <label>
          <input type="checkbox" name="dryRun" defaultChecked /> {t("admin.backup.dryRun")}
        </label>
        <p className="meta">{t("admin.backup.background")}</p>
        <button type="submit" className="secondary">
          {t("admin.backup.importComments")}
        </button>
      </form>
      <ImportJobsPanel />
    </section>
  );
}
