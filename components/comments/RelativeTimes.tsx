"use client";

import { useEffect } from "react";
import { formatsFor } from "@/lib/i18n/format";

/**
 * Keeps the comments' "3 hours ago" current while the page stays open: the server wrote each one
 * as of its render (a cached page is at most PAGE_CACHE_SECONDS old), with the full date as title.
 * Renders nothing; a reader without JavaScript keeps the server's words.
 */
export function RelativeTimes({ lang, justNow }: { lang: string; justNow: string }) {
  useEffect(() => {
    const { relative } = formatsFor(lang);
    const refresh = () => {
      for (const time of document.querySelectorAll<HTMLTimeElement>(".comment > .comment-meta time[datetime]")) {
        const text = relative(new Date(time.dateTime), Date.now(), justNow);
        if (time.textContent !== text) time.textContent = text;
      }
    };
    // Not at once: the comments may still be hydrating, and React wants the server's text then.
    const timer = window.setInterval(refresh, 30_000);
    return () => window.clearInterval(timer);
  }, [lang, justNow]);
  return null;
}
