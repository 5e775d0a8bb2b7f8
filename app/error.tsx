"use client";

import Link from "next/link";
import { useErrorReference, useErrorWords } from "@/components/RequestId";
import { fill } from "@/lib/i18n/fill";

// A page that failed to render (the database away, a bug): the site's look, what happened in
// words, and ways on. The reference (the request's id) finds the failure in the server's log without
// showing its details.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const reference = useErrorReference(error.digest);
  const words = useErrorWords();
  return (
    <>
      <h1>{words["error.heading"]}</h1>
      <p>{fill(words["error.text"], { latest: <Link href="/">{words["error.latest"]}</Link> })}</p>
      <p>
        <button type="button" onClick={reset}>
          {words["error.retry"]}
        </button>
      </p>
      {reference && <p className="meta">{fill(words["error.reference"], { reference })}</p>}
    </>
  );
}
