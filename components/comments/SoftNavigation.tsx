"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Links marked `data-soft` (Reply, Edit) re-render the page in place instead of loading it again.
 * One listener for the whole discussion, rather than a client component per comment.
 */
export function SoftNavigation() {
  const router = useRouter();
  useEffect(() => {
    const follow = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = (event.target as Element).closest?.("a[data-soft]");
      if (!(link instanceof HTMLAnchorElement)) return;
      event.preventDefault();
      router.push(link.href, { scroll: false });
    };
    document.addEventListener("click", follow);
    return () => document.removeEventListener("click", follow);
  }, [router]);
  return null;
}
