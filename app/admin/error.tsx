"use client";

import Link from "next/link";
import { useErrorReference } from "@/components/RequestId";

// Moderation that failed (usually the database away): the decision was not applied, and saying so
// beats a blank server error. The comment section on articles falls back the same way.
export default function AdminError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const reference = useErrorReference(error.digest);
  return (
    <>
      <h1>Moderation is unavailable right now</h1>
      <p>
        The comments could not be read or changed, so nothing was applied. This usually means the database cannot be
        reached; try again in a moment, or go back to <Link href="/admin">the moderation page</Link>.
      </p>
      <p>
        <button type="button" onClick={reset}>
          Try again
        </button>
      </p>
      {reference && <p className="meta">Reference: {reference}</p>}
    </>
  );
}
