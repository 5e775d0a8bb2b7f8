"use client";

import { useEffect } from "react";

/**
 * Adds a "Copy" button to each code block of the article once JavaScript runs; without it the
 * blocks read (and select) as before. The blocks are the article's server-rendered HTML, which
 * React does not manage, so the buttons are added to the DOM directly.
 */
export function CodeCopy({ copy, label, copied }: { copy: string; label: string; copied: string }) {
  useEffect(() => {
    const buttons: HTMLButtonElement[] = [];
    for (const block of document.querySelectorAll<HTMLElement>(".prose .code-block")) {
      const code = block.querySelector("code");
      if (!code || block.querySelector(".copy-button")) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = copy;
      button.setAttribute("aria-label", label);
      button.addEventListener("click", () => {
        navigator.clipboard.writeText(code.textContent ?? "").then(
          () => {
            button.textContent = copied;
            window.setTimeout(() => (button.textContent = copy), 2000);
          },
          () => {
            // No clipboard (an insecure origin, say): select the code for the reader to copy.
            window.getSelection()?.selectAllChildren(code);
          },
        );
      });
      block.append(button);
      buttons.push(button);
    }
    return () => buttons.forEach((button) => button.remove());
  }, [copy, label, copied]);
  return null;
}
