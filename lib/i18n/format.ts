// Dates, numbers and relative times in the site's language, through Intl alone: server and client
// share this module (it holds no catalog), so components/comments/RelativeTimes keeps "3 hours ago"
// current in the words the server wrote it in. Formatters are made once per locale.
import { formatLocale } from "./languages";

export type Formats = {
  /** "20 November 2026", "20 novembre 2026": front matter's calendar days (YYYY-MM-DD), as written. */
  day: (isoDay: string) => string;
  /** "28 November 2026 at 15:05 UTC": the title of a relative time. */
  fullTime: (date: Date) => string;
  /** "28 Nov 2026, 15:05:09 UTC": where the moderator compares times. */
  shortTime: (date: Date) => string;
  /** "3 hours ago", "il y a 3 minutes"; under 45 seconds (or a little ahead: clock skew) `justNow`. */
  relative: (date: Date, now: number, justNow: string) => string;
  /** "1,234", "1 234", "١٬٢٣٤". */
  number: (value: number) => string;
};

const UNITS: [limit: number, seconds: number, unit: Intl.RelativeTimeFormatUnit][] = [
  [60, 1, "second"],
  [3600, 60, "minute"],
  [86_400, 3600, "hour"],
  [86_400 * 30, 86_400, "day"],
  [86_400 * 365, 86_400 * 30, "month"],
];

const made = new Map<string, Formats>();

/** Up to this many of a formatter's results kept, by what they were made from: then it starts over. */
const KEPT = 5_000;

/** `format` remembering its results: Intl's formatting was 1 ms of a 200-comment page's render. */
function remembered<K, V>(format: (key: K) => V): (key: K) => V {
  const results = new Map<K, V>();
  return (key) => {
    let result = results.get(key);
    if (result === undefined) {
      if (results.size >= KEPT) results.clear();
      results.set(key, (result = format(key)));
    }
    return result;
  };
}

export function formatsFor(tag: string): Formats {
  const known = made.get(tag);
  if (known) return known;
  const locale = formatLocale(tag);
  const full = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });
  const short = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });
  const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "always" });
  const number = new Intl.NumberFormat(locale);
  // A discussion's times are a few dozen distinct phrases ("3 hours ago"): each written once.
  const phrases = new Map<string, string>();
  const ago = (count: number, unit: Intl.RelativeTimeFormatUnit) => {
    const key = `${count} ${unit}`;
    let phrase = phrases.get(key);
    if (phrase === undefined) phrases.set(key, (phrase = relative.format(-count, unit)));
    return phrase;
  };
  // Titles show minutes: one per minute a comment was written in, whatever its seconds.
  const fullTimeOfMinute = remembered((minute: number) => `${full.format(minute * 60_000)} UTC`);
  const formats: Formats = {
    day: remembered((isoDay) => day.format(new Date(`${isoDay}T00:00:00Z`))),
    fullTime: (date) => fullTimeOfMinute(Math.floor(date.getTime() / 60_000)),
    shortTime: (date) => `${short.format(date)} UTC`,
    relative: (date, now, justNow) => {
      const seconds = Math.round((now - date.getTime()) / 1000);
      if (seconds < 45) return justNow;
      for (const [limit, size, unit] of UNITS) {
        if (seconds < limit) return ago(Math.max(1, Math.floor(seconds / size)), unit);
      }
      return ago(Math.floor(seconds / (86_400 * 365)), "year");
    },
    number: (value) => number.format(value),
  };
  made.set(tag, formats);
  return formats;
}
