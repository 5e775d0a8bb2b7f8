"use client";

import Link from "next/link";
import { useErrorReference } from "@/components/RequestId";

// A page that failed to render (the database away, a bug): the site's look, what happened in
// words, and ways on. The reference (the request's id) finds the failure in the server's log without
// showing its details.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const reference = useErrorReference(error.digest);
  return (
    <>
      <h1>This page could not be shown</h1>
      <p>
        Something went wrong on our side. Nothing you sent was lost. Try again in a moment, or go back to the{" "}
        <Link href="/">latest articles</Link>.
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
