"use client";

import { useSyncExternalStore } from "react";
import { THEME_EVENT, THEME_STORAGE_KEY, type Theme } from "@/lib/theme";

const darkQuery = () => window.matchMedia("(prefers-color-scheme: dark)");

function subscribe(onChange: () => void) {
  const query = darkQuery();
  query.addEventListener("change", onChange);
  window.addEventListener(THEME_EVENT, onChange);
  return () => {
    query.removeEventListener("change", onChange);
    window.removeEventListener(THEME_EVENT, onChange);
  };
}

/** The theme in force: the reader's choice (set on <html> by the head script), else the system's. */
function currentTheme(): Theme {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === "light" || chosen === "dark") return chosen;
  return darkQuery().matches ? "dark" : "light";
}

/**
 * A "Dark theme" switch. The server cannot know the theme, so it renders the button without a
 * pressed state and the browser fills it in; CSS keeps the button invisible (its space kept)
 * until the head script has marked the page as scripted, so readers without JavaScript, who get
 * the system theme, never see a switch that cannot work.
 */
/** `label`: "Dark theme" in the site's language. */
export function ThemeToggle({ label }: { label: string }) {
  const theme = useSyncExternalStore(subscribe, currentTheme, () => null);
  const toggle = () => {
    const next: Theme = currentTheme() === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Storage can be off (private modes); the choice then lasts for this page only.
    }
    window.dispatchEvent(new Event(THEME_EVENT));
  };
  return (
    <button type="button" className="theme-toggle" aria-pressed={theme ? theme === "dark" : undefined} onClick={toggle}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
        <path d="M12 3a9 9 0 1 0 0 18z" fill="currentColor" />
        <circle cx="12" cy="12" r="8.25" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      <span className="visually-hidden">{label}</span>
    </button>
  );
}
