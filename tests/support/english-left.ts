// What the language tests look for on a page or in a mail of a site in another language than
// English: words of the English catalog that the language's catalog never uses (so "Markdown",
// "Atom" or "approve", kept in a translation on purpose, do not count), and message keys shown
// raw ("comment.reply"). Readers' and authors' words are the test's to leave out first.
// The catalogs are read from their files: Playwright's loader takes no JSON import.
import fs from "node:fs";
import path from "node:path";

const catalog = (language: string): Record<string, string> =>
  Object.assign(
    {},
    ...["reader", "author"].map((part) =>
      JSON.parse(fs.readFileSync(path.join("lib/i18n/messages", language, `${part}.json`), "utf8")),
    ),
  );

const words = (text: string) => text.toLowerCase().match(/[a-z]+/g) ?? [];
const english = catalog("en");
const KEYS = new Set(Object.keys(english));

/** The English interface words left in `text`, and the raw message keys in it. */
export function englishLeft(text: string, language: string): { words: string[]; keys: string[] } {
  const own = new Set(words(Object.values(catalog(language)).join(" ")));
  const foreign = new Set(words(Object.values(english).join(" ")).filter((word) => word.length >= 4 && !own.has(word)));
  return {
    words: [...new Set(words(text))].filter((word) => foreign.has(word)),
    keys: [...new Set(text.match(/\b[a-z]+(?:\.[a-zA-Z]+)+\b/g) ?? [])].filter((key) => KEYS.has(key)),
  };
}
