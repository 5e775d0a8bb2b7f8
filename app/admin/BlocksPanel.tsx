import { listBlocks } from "@/lib/comments/moderation";
import { moderationSearch, type ModerationQuery } from "@/lib/comments/moderation-query";
import type { BlockAction, BlockKind } from "@/lib/comments/blocklist";
import { removeBlockEntry } from "@/lib/comments/admin-actions";
import { ActionForm } from "@/components/ActionForm";
import { ADMIN_PATH } from "@/lib/routes";
import { BlockForm } from "./BlockForm";
import { pick, siteLanguage, t, type MessageKey } from "@/lib/i18n";
import { BLOCK_FORM_WORDS } from "@/lib/i18n/client-words";

// Bans and blocklists: every entry with what it does and until when, "Remove" to lift it, and a
// form to add one. "Ban author" on an article page adds entries here too.

const KIND_LABELS: Record<BlockKind, MessageKey> = {
  address: "admin.kind.address",
  browser: "admin.kind.browser",
  name: "admin.kind.name",
  word: "admin.kind.word",
  domain: "admin.kind.domain",
};
const ACTION_LABELS: Record<BlockAction, MessageKey> = {
  shadow: "admin.action.shadow",
  queue: "admin.action.queue",
  refuse: "admin.action.refuse",
};
const label = <K extends string>(labels: Record<K, MessageKey>, value: string) =>
  Object.hasOwn(labels, value) ? t(labels[value as K]) : value;

export async function BlocksPanel({ query }: { query: ModerationQuery }) {
  const blocks = await listBlocks();
  const now = new Date();
  const back = moderationSearch(query).toString();
  const { format } = siteLanguage();
  return (
    <section className="admin-tools admin-blocks" id="bans" aria-labelledby="bans-heading">
      <h2 id="bans-heading">{t("admin.bans.heading")}</h2>
      <p className="meta">{t("admin.bans.explain")}</p>
      {blocks.length === 0 ? (
        <p className="empty">{t("admin.bans.none")}</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">{t("admin.bans.what")}</th>
              <th scope="col">{t("admin.bans.matches")}</th>
              <th scope="col">{t("admin.bans.commentsAre")}</th>
              <th scope="col">{t("admin.bans.note")}</th>
              <th scope="col">{t("admin.bans.lasts")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("admin.bans.remove")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {blocks.map((block) => {
              const ended = block.expiresAt !== null && block.expiresAt !== undefined && block.expiresAt <= now;
              return (
                <tr key={block.id} data-ended={ended || undefined}>
                  <td>{label(KIND_LABELS, block.kind)}</td>
                  <td className="block-value">{block.value}</td>
                  <td>{label(ACTION_LABELS, block.action)}</td>
                  <td>{block.note}</td>
                  <td>
                    {block.expiresAt
                      ? t(ended ? "admin.bans.ended" : "admin.bans.until", {
                          date: format.day(block.expiresAt.toISOString().slice(0, 10)),
                        })
                      : t("admin.bans.untilRemoved")}
                  </td>
                  <td>
                    <ActionForm action={removeBlockEntry} permalink={ADMIN_PATH}>
                      <input type="hidden" name="id" value={block.id} />
                      <input type="hidden" name="back" value={back} />
                      <button
                        type="submit"
                        className="secondary"
                        aria-label={t("admin.bans.removeLabel", {
                          kind: label(KIND_LABELS, block.kind),
                          value: block.value,
                        })}
                      >
                        {t("admin.bans.remove")}
                      </button>
                    </ActionForm>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <BlockForm words={pick(BLOCK_FORM_WORDS)} />
    </section>
  );
}
