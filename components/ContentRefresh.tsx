"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Development only: `next dev` does not watch content/, so the server streams its changes
 * (app/content-events) and this re-renders the open page from the edited files.
 */
export function ContentRefresh() {
  const router = useRouter();
  useEffect(() => {
    const events = new EventSource("/content-events");
    events.addEventListener("change", () => router.refresh());
    return () => events.close();
  }, [router]);
  return null;
}
