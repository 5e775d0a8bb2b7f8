import type { MessageKey, Translate } from "../i18n";

// Why a comment waits for review, as its `flags` column keeps it: one line each. A line the
// software writes for itself is a stable code and its values, as JSON
// (`{"flag":"imported-long","max":5000}`), put into words when the moderation queue shows it, in
// the site's language then. Any other line (a rule's reason as the author wrote it, a flag stored
// as English text by an older version) is shown as it is.

const FLAGS = {
  "imported-long": "admin.flag.importedLong",
  "imported-links": "admin.flag.importedLinks",
  // A ban or blocklist entry the comment meets (lib/comments/blocklist.ts).
  "banned-address": "admin.flag.bannedAddress",
  "banned-browser": "admin.flag.bannedBrowser",
  "banned-name": "admin.flag.bannedName",
  "blocked-word": "admin.flag.blockedWord",
  "blocked-domain": "admin.flag.blockedDomain",
  // The spam score and each signal that added to it (lib/comments/spam.ts).
  "spam-score": "admin.flag.spamScore",
  "spam-links": "admin.flag.spamLinks",
  "spam-only-link": "admin.flag.spamOnlyLink",
  "spam-repeated": "admin.flag.spamRepeated",
  "spam-burst": "admin.flag.spamBurst",
  "spam-look-alike-words": "admin.flag.spamLookAlikeWords",
  "spam-look-alike-name": "admin.flag.spamLookAlikeName",
  "spam-disguised": "admin.flag.spamDisguised",
  "spam-name-link": "admin.flag.spamNameLink",
  // Sent sooner after the form appeared than people type (lib/comments/service/posting.ts).
  quick: "admin.flag.quick",
} as const satisfies Record<string, MessageKey>;

export type FlagCode = keyof typeof FLAGS;
/** A flag's values; `note`, the moderator's note on the rule met, follows the flag in brackets. */
export type FlagValues = Record<string, string | number>;

/** A flag as its line is stored: the code, then its values. */
export const flagLine = (flag: FlagCode, values: FlagValues = {}): string => JSON.stringify({ ...values, flag });

/** The code and values of a stored line, or null for a line of plain text. */
function parsed(line: string): { key: MessageKey; values: FlagValues; note?: string } | null {
  if (!line.startsWith('{"')) return null;
  try {
    const { flag, note, ...values } = JSON.parse(line) as FlagValues & { flag?: unknown };
    if (typeof flag !== "string" || !Object.hasOwn(FLAGS, flag)) return null;
    return { key: FLAGS[flag as FlagCode], values, ...(note ? { note: String(note) } : {}) };
  } catch {
    return null;
  }
}

/** A comment's stored flags, each in the translator's language (or as written, for plain text). */
export function flagsIn(t: Translate, stored: string | null): string[] {
  if (!stored) return [];
  return stored
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const flag = parsed(line);
      if (!flag) return line;
      const said = t(flag.key, flag.values);
      return flag.note ? t("admin.flag.note", { flag: said, note: flag.note }) : said;
    });
}
