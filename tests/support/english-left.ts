// What the language tests look for on a page or in a mail of a site in another language than
// English: words of the English catalog that the language's catalog never uses (so "Markdown",
// "Atom" or "approve", kept in a translation on purpose, do not count), and message keys shown
// raw ("comment.reply"). Readers' and authors' words are the test's to leave out first.
import { catalogs } from "@/lib/i18n/catalogs";
import type { Language } from "@/lib/i18n/languages";
import { en } from "@/lib/i18n/messages/en";

const words = (text: string) => text.toLowerCase().match(/[a-z]+/g) ?? [];
const KEYS = new Set(Object.keys(en));

/** The English interface words left in `text`, and the raw message keys in it. */
export function englishLeft(text: string, language: Language): { words: string[]; keys: string[] } {
  const own = new Set(words(Object.values(catalogs[language]).join(" ")));
  const english = new Set(words(Object.values(en).join(" ")).filter((word) => word.length >= 4 && !own.has(word)));
  return {
    words: [...new Set(words(text))].filter((word) => english.has(word)),
    keys: [...new Set(text.match(/\b[a-z]+(?:\.[a-zA-Z]+)+\b/g) ?? [])].filter((key) => KEYS.has(key)),
  };
}
