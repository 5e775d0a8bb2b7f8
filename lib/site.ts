/** Site-wide settings shown in the layout. */
export const site = {
  name: "Marginalia",
  tagline: "Essays on building software, and the conversations they start.",
  language: "en",
} as const;

/** "20 November 2026": dates are calendar days in the author's front matter, shown as written. */
export function formatDay(isoDay: string): string {
  return new Date(`${isoDay}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}
