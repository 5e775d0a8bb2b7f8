"use client";

import { useLayoutEffect, useRef, type HTMLAttributes } from "react";
import { takeSlot } from "@/lib/server/html-slots";

type Props = HTMLAttributes<HTMLElement> & {
  as: "div" | "li";
  /** lib/server/html-slots.ts's digest of the markup. */
  digest: string;
  /** A document's render: the key the markup is kept under for this server render. */
  slot?: string;
  /** A flight-only answer: the markup itself. */
  html?: string;
};

// In the browser: the markup each slot's element held when it was hydrated, for when React mounts
// that element again from its router cache (the Back button after a soft navigation), with no
// server HTML under it then; and what each element shows now, by digest.
const hydrated = new Map<string, string>();
const shown = new WeakMap<Element, string>();

/**
 * Server markup (sanitized before it gets here) that React does not manage: written by the server
 * render, left alone by hydration, and set again only when its digest changes. See
 * lib/server/html-slots.ts for why the markup is not in the page's payload.
 */
export function HtmlSlot({ as, digest, slot, html, ...attributes }: Props) {
  const ref = useRef<HTMLDivElement & HTMLLIElement>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element || shown.get(element) === digest) return;
    const markup = html ?? (slot ? hydrated.get(slot) : undefined);
    // Neither: this is the server's element, hydrated; remember what it holds, before any effect adds to it.
    if (markup === undefined) {
      if (slot) hydrated.set(slot, element.innerHTML);
    } else element.innerHTML = markup;
    shown.set(element, digest);
  }, [digest, slot, html]);
  // On the server, the markup; in the browser always empty, so React never writes or checks it.
  const __html = typeof window === "undefined" ? (html ?? (slot ? takeSlot(slot) : undefined) ?? "") : "";
  const Tag = as;
  return <Tag {...attributes} ref={ref} dangerouslySetInnerHTML={{ __html }} suppressHydrationWarning />;
}
