// Times and counts as readers read them. Server and client share this module: the server writes
// "3 hours ago" into the page (right without JavaScript), components/comments/RelativeTimes refreshes it.

const fullFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

/** "28 November 2026 at 15:05 UTC": for the title of a relative time. */
export const fullTime = (date: Date) => `${fullFormat.format(date)} UTC`;

const shortFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** "28 Nov 2026, 15:05:09 UTC": where the moderator compares times. */
export const shortTime = (date: Date) => `${shortFormat.format(date)} UTC`;

const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** "20 November 2026": dates are calendar days in the author's front matter (YYYY-MM-DD), shown as written. */
export const formatDay = (isoDay: string) => dayFormat.format(new Date(`${isoDay}T00:00:00Z`));

export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

const UNITS: [limit: number, seconds: number, name: string][] = [
  [60, 1, "second"],
  [3600, 60, "minute"],
  [86_400, 3600, "hour"],
  [86_400 * 30, 86_400, "day"],
  [86_400 * 365, 86_400 * 30, "month"],
];

/** "just now", "3 hours ago", "2 years ago"; a date a little in the future (clock skew) is "just now". */
export function relativeTime(date: Date, now: number): string {
  const seconds = Math.round((now - date.getTime()) / 1000);
  if (seconds < 45) return "just now";
  for (const [limit, unit, name] of UNITS) {
    if (seconds < limit) return `${plural(Math.max(1, Math.floor(seconds / unit)), name)} ago`;
  }
  return `${plural(Math.floor(seconds / (86_400 * 365)), "year")} ago`;
}

/** "42 seconds", "3 minutes": when a rate-limited reader may try again. */
export function waitFor(seconds: number): string {
  return seconds < 60 ? plural(seconds, "second") : plural(Math.ceil(seconds / 60), "minute");
}
