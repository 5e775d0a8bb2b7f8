import Link from "next/link";
import { banOnPage, moderateOnPage } from "@/lib/comments/moderation-actions";
import type { BanTarget } from "@/lib/comments/moderation";
import type { CommentView } from "@/lib/comments/store";
import { articlePath, articleUrl } from "@/lib/routes";
import { ActionForm } from "../ActionForm";

// The signed-in author's buttons under each comment. Delete and Ban ask first: their links reload
// the page with ?confirm=<id> or ?ban=<id>, where the comment shows the real button and a way back
// (no JavaScript needed).

export function ModerationControls({
  comment,
  slug,
  confirming,
  banning,
  hidden,
}: {
  comment: CommentView;
  slug: string;
  confirming: boolean;
  /** Who wrote the comment, when the author asked to ban them. */
  banning: BanTarget | null;
  hidden: boolean;
}) {
  const anchor = `comment-${comment.id}`;
  if (confirming) {
    return (
      <ActionForm
        action={moderateOnPage}
        permalink={articlePath(slug)}
        className="moderation-controls moderation-confirm"
      >
        <input type="hidden" name="slug" value={slug} />
        <input type="hidden" name="id" value={comment.id} />
        <span role="alert">Delete this comment for good?</span>{" "}
        <button name="action" value="delete" className="danger">
          Yes, delete
        </button>{" "}
        <Link href={articleUrl(slug, undefined, anchor)}>Cancel</Link>
      </ActionForm>
    );
  }
  if (banning) return <BanForm target={banning} slug={slug} anchor={anchor} />;
  return (
    <ActionForm
      action={moderateOnPage}
      permalink={articlePath(slug)}
      className="moderation-controls"
      aria-label={`Moderate the comment by ${comment.authorName || "a removed author"}`}
    >
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="id" value={comment.id} />
      <button name="action" value={hidden || comment.shadow ? "unhide" : "hide"} className="secondary">
        {hidden ? "Unhide" : comment.shadow ? "Publish" : "Hide"}
      </button>{" "}
      <button name="action" value={comment.pinned ? "unpin" : "pin"} className="secondary">
        {comment.pinned ? "Unpin" : "Pin"}
      </button>{" "}
      <Link href={articleUrl(slug, `confirm=${encodeURIComponent(comment.id)}`, anchor)} className="danger-link">
        Delete…
      </Link>
      {!comment.byAuthor && (
        <>
          {" "}
          <Link href={articleUrl(slug, `ban=${encodeURIComponent(comment.id)}`, anchor)} className="danger-link">
            Ban author…
          </Link>
        </>
      )}
    </ActionForm>
  );
}

/** What to ban the author by, for how long, and whether their comments go too. */
function BanForm({ target, slug, anchor }: { target: BanTarget; slug: string; anchor: string }) {
  const name = target.authorName || "this author";
  const address = target.authorIp && target.authorIp !== "unknown" ? target.authorIp : null;
  const known = Boolean(target.browserId || address);
  return (
    <ActionForm
      action={banOnPage}
      permalink={articlePath(slug)}
      className="moderation-controls moderation-confirm ban-form"
    >
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="id" value={target.id} />
      <fieldset>
        <legend>
          <span role="alert">Ban {name}?</span>
        </legend>
        <p className="hint">
          Bans are listed, and lifted, in /admin; one by name alone also catches people who happen to share it.
        </p>
        {target.browserId && (
          <label>
            <input type="checkbox" name="by" value="browser" defaultChecked /> by their browser
          </label>
        )}
        {address && (
          <label>
            <input type="checkbox" name="by" value="address" defaultChecked /> by their address ({address})
          </label>
        )}
        {target.authorName && (
          <label>
            <input type="checkbox" name="by" value="name" defaultChecked={!known} /> by the name “{target.authorName}”
            and names that look like it
          </label>
        )}
        <label>
          Their new comments{" "}
          <select name="banAction" defaultValue="shadow">
            <option value="shadow">show to them alone (they notice nothing)</option>
            <option value="queue">wait for approval</option>
            <option value="refuse">are refused (they are told)</option>
          </select>
        </label>
        <label>
          For{" "}
          <select name="days" defaultValue="">
            <option value="">good (until lifted)</option>
            <option value="1">a day</option>
            <option value="7">a week</option>
            <option value="30">a month</option>
            <option value="365">a year</option>
          </select>
        </label>
        <label>
          <input type="checkbox" name="shadowExisting" defaultChecked /> Also hide this comment
          {known && target.others > 0
            ? ` and their ${target.others} other${target.others === 1 ? "" : "s"} from this browser or address`
            : ""}{" "}
          from everybody but them
        </label>
      </fieldset>
      <button type="submit" className="danger">
        Ban
      </button>{" "}
      <Link href={articleUrl(slug, undefined, anchor)}>Cancel</Link>
    </ActionForm>
  );
}

export function LockControl({ slug, locked }: { slug: string; locked: boolean }) {
  return (
    <ActionForm action={moderateOnPage} permalink={articlePath(slug)} className="moderation-controls">
      <input type="hidden" name="slug" value={slug} />
      <button name="action" value={locked ? "unlock" : "lock"} className="secondary">
        {locked ? "Reopen the discussion" : "Lock the discussion"}
      </button>
    </ActionForm>
  );
}
