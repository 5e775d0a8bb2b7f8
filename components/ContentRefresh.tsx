"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Development only: `next dev` does not watch content/, so the server streams its changes
 * (app/content-events) and this re-renders the open page from the edited files. `fingerprint`
 * names the content the page was rendered from: a change saved while the page loaded, before the
 * stream connected, refreshes it as soon as it connects.
 */
export function ContentRefresh({ fingerprint }: { fingerprint: string }) {
  const router = useRouter();
  useEffect(() => {
    const events = new EventSource(`/content-events?since=${encodeURIComponent(fingerprint)}`);
    events.addEventListener("change", () => router.refresh());
    return () => events.close();
  }, [router, fingerprint]);
  return null;
}
