"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * The links of a comment's actions (Reply, Edit) re-render the page in place instead of loading
 * it again; forms marked `data-soft` (👍, whose buttons name their comment; Delete) are sent in
 * the background, then the page re-renders in place.
 * One listener each for the whole discussion, rather than a client component per comment.
 *
 * The keyboard focus stays where the reader is: a box that opens takes it (autoFocus); when a
 * re-render takes away the control they used (a 👍 redrawn, a Delete done, a box closed by
 * Cancel), it goes to the same control again or to its comment; "Show more" puts it on the first
 * thread it adds. Without JavaScript the links' fragments land there instead.
 */
export function SoftNavigation() {
  const router = useRouter();
  useEffect(() => {
    const follow = (event: MouseEvent) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = (event.target as Element).closest?.("#comments a");
      if (!(link instanceof HTMLAnchorElement)) return;
      // The others are Next.js's Links, which have taken the click already (defaultPrevented).
      if (link.closest(".comment-actions")) {
        if (event.defaultPrevented) return;
        event.preventDefault();
        router.push(link.href, { scroll: false });
      } else if (link.closest(".more")) {
        // Next.js's Link navigates; the first new thread is the link's fragment.
        const target = () => document.getElementById(decodeURIComponent(link.hash.slice(1)));
        focusOnceRendered(() => !link.isConnected || target() !== null, target);
      } else if (link.closest("form")) {
        // Cancel or Done: the box closes, and the comment it was on takes the focus.
        focusOnceRendered(
          () => !link.isConnected,
          () => document.getElementById(decodeURIComponent(link.hash.slice(1))),
        );
      }
    };
    const send = async (event: SubmitEvent) => {
      const form = event.target;
      if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !form.hasAttribute("data-soft")) return;
      event.preventDefault();
      const button = event.submitter instanceof HTMLButtonElement ? event.submitter : null;
      const body = new FormData(form, button); // before the button is disabled, which would leave it out
      if (button) {
        button.disabled = true;
        focusOnceRendered(() => !button.isConnected, sameControlAgain(form, button));
      }
      try {
        // Done: the answer is a redirect back to this page, not followed; the page re-renders instead.
        const answer = await fetch(form.action, { method: "POST", body, redirect: "manual" });
        if (answer.type !== "opaqueredirect") throw new Error(`refused: ${answer.status}`);
        router.refresh();
      } catch {
        // Offline, or refused (a Delete too late): let the browser send it and show the page that
        // says why. submit() sends no button, so the button's name and value go in as a field.
        if (button?.name)
          form.append(
            Object.assign(document.createElement("input"), { type: "hidden", name: button.name, value: button.value }),
          );
        form.submit();
      } finally {
        if (button) {
          button.disabled = false;
          // Disabling it may have dropped the focus to the page.
          if (button.isConnected && document.activeElement === document.body) button.focus();
        }
      }
    };
    document.addEventListener("click", follow);
    const sendInBackground = (event: SubmitEvent) => void send(event);
    document.addEventListener("submit", sendInBackground);
    return () => {
      document.removeEventListener("click", follow);
      document.removeEventListener("submit", sendInBackground);
    };
  }, [router]);
  return null;
}

/**
 * What takes the focus once `button` is redrawn: a 👍 of the same comment (its value names it), or,
 * for a Delete, the comment if it stays (as "[deleted]" above its replies), else the next one, else
 * the discussion's heading.
 */
function sameControlAgain(form: HTMLFormElement, button: HTMLButtonElement): () => HTMLElement | null {
  const comment = button.closest(".comment") ?? form.closest(".comment");
  const next = comment?.nextElementSibling?.id;
  if (button.classList.contains("reaction")) {
    return () => document.querySelector<HTMLElement>(`button.reaction[value="${CSS.escape(button.value)}"]`);
  }
  return () =>
    (comment?.id && document.getElementById(comment.id)) ||
    (next && document.getElementById(next)) ||
    document.getElementById("comments-heading");
}

/** How long a re-render is waited for: past it, the reader has moved on. */
const WAIT_MS = 10_000;

/**
 * Once the discussion has re-rendered so that `ready` holds, focuses what `find` returns (made
 * focusable from script if it is not a control: a comment, a heading), unless the reader has put
 * the focus somewhere themselves meanwhile.
 */
function focusOnceRendered(ready: () => boolean, find: () => HTMLElement | null): void {
  const section = document.getElementById("comments");
  if (!section) return;
  const observer = new MutationObserver(() => {
    if (!ready()) return;
    const target = find();
    if (!target) return;
    stop();
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected && !target.contains(active)) {
      if (!active.matches("#comments .more a")) return;
    }
    if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.tabIndex = -1;
    target.focus();
  });
  const timer = window.setTimeout(() => stop(), WAIT_MS);
  const stop = () => {
    observer.disconnect();
    window.clearTimeout(timer);
  };
  observer.observe(section, { childList: true, subtree: true });
}
