export type Theme = "light" | "dark";

export const THEME_STORAGE_KEY = "theme";
/** Sent on window when the toggle changes the theme, so every toggle on the page updates. */
export const THEME_EVENT = "marginalia:theme";

/**
 * Runs in <head> before the body is painted: applies the reader's saved choice, so a page never
 * flashes the system theme first, and marks the page as scripted (the toggle only shows then).
 * Keep this text constant, with nothing interpolated: a Content-Security-Policy will allow it by
 * its sha256 hash (tests/unit/site.test.ts pins the hash).
 */
export const THEME_SCRIPT =
  'try{var t=localStorage.getItem("theme");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}document.documentElement.classList.add("js")';

/** The CSP source that allows THEME_SCRIPT (pinned by tests/unit/site.test.ts). */
export const THEME_SCRIPT_HASH = "sha256-HIEGXlvDIKYgCvIvid8xkas/KyuTUMkWQ6Ewkm3cmxY=";
