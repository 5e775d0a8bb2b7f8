"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * The links of a comment's actions (Reply, Edit) re-render the page in place instead of loading
 * it again; forms marked `data-soft` (👍, whose buttons name their comment; Delete) are sent in
 * the background, then the page re-renders in place.
 * One listener each for the whole discussion, rather than a client component per comment.
 */
export function SoftNavigation() {
  const router = useRouter();
  useEffect(() => {
    const follow = (event: MouseEvent) => {
      if (
        event.defaultPrevented ||
        event.button !== 0 ||
        event.metaKey ||
        event.ctrlKey ||
        event.shiftKey ||
        event.altKey
      )
        return;
      const link = (event.target as Element).closest?.(".comment-actions a");
      if (!(link instanceof HTMLAnchorElement)) return;
      event.preventDefault();
      router.push(link.href, { scroll: false });
    };
    const send = async (event: SubmitEvent) => {
      const form = event.target;
      if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !form.hasAttribute("data-soft")) return;
      event.preventDefault();
      const button = event.submitter instanceof HTMLButtonElement ? event.submitter : null;
      const body = new FormData(form, button); // before the button is disabled, which would leave it out
      if (button) button.disabled = true;
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
        if (button) button.disabled = false;
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
