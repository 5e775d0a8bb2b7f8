import type { MessageKey, Translate } from "../i18n";

// Why a comment waits for review, as its `flags` column keeps it: one line each. A line the
// software writes for itself is a stable code and its values, as JSON
// (`{"flag":"imported-long","max":5000}`), put into words when the moderation queue shows it, in
// the site's language then. Any other line (a rule's reason as the author wrote it, a flag stored
// as English text by an older version) is shown as it is.

const FLAGS = {
  "imported-long": "admin.flag.importedLong",
  "imported-links": "admin.flag.importedLinks",
} as const satisfies Record<string, MessageKey>;

export type FlagCode = keyof typeof FLAGS;
type FlagValues = Record<string, string | number>;

/** A flag as its line is stored: the code, then its values. */
export const flagLine = (flag: FlagCode, values: FlagValues = {}): string => JSON.stringify({ ...values, flag });

/** The code and values of a stored line, or null for a line of plain text. */
function parsed(line: string): { key: MessageKey; values: FlagValues } | null {
  if (!line.startsWith('{"')) return null;
  try {
    const { flag, ...values } = JSON.parse(line) as FlagValues & { flag?: unknown };
    return typeof flag === "string" && Object.hasOwn(FLAGS, flag) ? { key: FLAGS[flag as FlagCode], values } : null;
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
      return flag ? t(flag.key, flag.values) : line;
    });
}
