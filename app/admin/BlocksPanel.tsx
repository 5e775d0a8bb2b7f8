import { listBlocks } from "@/lib/comments/moderation";
import { moderationSearch, type ModerationQuery } from "@/lib/comments/moderation-query";
import type { BlockAction, BlockKind } from "@/lib/comments/blocklist";
import { removeBlockEntry } from "@/lib/comments/admin-actions";
import { ActionForm } from "@/components/ActionForm";
import { ADMIN_PATH } from "@/lib/routes";
import { BlockForm } from "./BlockForm";
import { formatDay } from "@/lib/format";

// Bans and blocklists: every entry with what it does and until when, "Remove" to lift it, and a
// form to add one. "Ban author" on an article page adds entries here too.

export const KIND_LABELS: Record<BlockKind, string> = {
  address: "Address",
  browser: "Browser",
  name: "Name",
  word: "Word",
  domain: "Link domain",
};
export const ACTION_LABELS: Record<BlockAction, string> = {
  shadow: "shown to the author alone",
  queue: "sent to the queue",
  refuse: "refused",
};

export async function BlocksPanel({ query }: { query: ModerationQuery }) {
  const blocks = await listBlocks();
  const now = new Date();
  const back = moderationSearch(query).toString();
  return (
    <section className="admin-tools admin-blocks" id="bans" aria-labelledby="bans-heading">
      <h2 id="bans-heading">Bans and blocklists</h2>
      <p className="meta">
        A comment from a banned address, browser or name, or with a blocked word or link, is shown to its author alone
        (they are not told: a shadow ban), sent to the queue, or refused with a message, as its entry says. Names and
        words match their look-alikes (“Tr0ll”, “cas1no”); a word ending in * matches any ending; a domain matches its
        subdomains; an address may be a range (203.0.113.0/24, 2001:db8:1:2::/64), and an IPv6 address without one bans
        the block it is in, as one client holds (/64, or IPV6_RATE_PREFIX; /128 bans the one address).
      </p>
      {blocks.length === 0 ? (
        <p className="empty">No bans or blocked words yet.</p>
      ) : (
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Matches</th>
              <th scope="col">Comments are</th>
              <th scope="col">Note</th>
              <th scope="col">Lasts</th>
              <th scope="col">
                <span className="visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {blocks.map((block) => {
              const ended = block.expiresAt !== null && block.expiresAt !== undefined && block.expiresAt <= now;
              return (
                <tr key={block.id} data-ended={ended || undefined}>
                  <td>{KIND_LABELS[block.kind] ?? block.kind}</td>
                  <td className="block-value">{block.value}</td>
                  <td>{ACTION_LABELS[block.action] ?? block.action}</td>
                  <td>{block.note}</td>
                  <td>
                    {block.expiresAt
                      ? `${ended ? "ended" : "until"} ${formatDay(block.expiresAt.toISOString().slice(0, 10))}`
                      : "until removed"}
                  </td>
                  <td>
                    <ActionForm action={removeBlockEntry} permalink={ADMIN_PATH}>
                      <input type="hidden" name="id" value={block.id} />
                      <input type="hidden" name="back" value={back} />
                      <button
                        type="submit"
                        className="secondary"
                        aria-label={`Remove the ${KIND_LABELS[block.kind] ?? block.kind} entry ${block.value}`}
                      >
                        Remove
                      </button>
                    </ActionForm>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <BlockForm />
    </section>
  );
}
