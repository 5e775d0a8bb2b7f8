"use client";

import { createContext, useContext, useEffect, useState } from "react";
import type { ERROR_WORDS } from "@/lib/i18n/client-words";

// The error pages show a reference to quote: the id of the request that failed, also in the
// server's log line for it (lib/server/log.ts). The root layout hands each page its request's id.
// Only a page that came from the server as it is knows it, though: after a client-side navigation
// the failed request was the router's, whose id never reaches the page, and the id here is the
// first page's. There the error's digest is the reference, which the log ties to the request id.

const RequestIdContext = createContext("");
let hydrated = false;

/** The error pages' words in the site's language (client components: the layout formats them). */
export type ErrorWords = Record<(typeof ERROR_WORDS)[number], string>;
const ErrorWordsContext = createContext<ErrorWords | null>(null);

export function RequestIdProvider({
  id,
  words,
  children,
}: {
  id: string;
  words: ErrorWords;
  children: React.ReactNode;
}) {
  useEffect(() => {
    hydrated = true;
  }, []);
  return (
    <RequestIdContext.Provider value={id}>
      <ErrorWordsContext.Provider value={words}>{children}</ErrorWordsContext.Provider>
    </RequestIdContext.Provider>
  );
}

export function useErrorWords(): ErrorWords {
  const words = useContext(ErrorWordsContext);
  if (!words) throw new Error("useErrorWords outside the root layout");
  return words;
}

/** What an error page shows as its reference: the request id when the page is the server's, else the digest. */
export function useErrorReference(digest: string | undefined): string | undefined {
  const id = useContext(RequestIdContext);
  // Decided when the error page appears: during the first render (the server's, then hydration) or later.
  const [fromServer] = useState(() => !hydrated);
  return (fromServer && id) || digest;
}
