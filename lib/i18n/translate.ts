import { IntlMessageFormat } from "intl-messageformat";
import { catalogs } from "./catalogs";
import { formatLocale, type Language } from "./languages";
import type { MessageKey } from "./messages/en";

/** An argument of a message: text, a count (plurals, numbers) or a date. */
export type MessageValues = Record<string, string | number | Date>;
/** One call per message shown: `t("comment.replyingTo", { name })`. */
export type Translate = (key: MessageKey, values?: MessageValues) => string;

// A message without an argument, a plural or a quote is its own text: most of the interface's
// words skip the formatter. Others are parsed once, on first use, and kept: a page of 200
// comments formats thousands of messages and parses none of them again.
const PLAIN = /^[^{}']*$/;

const translators = new Map<string, Translate>();

/**
 * The messages of `language` (a catalog) written for the locale `tag` ("fr-CA": the French
 * catalog, Canadian numbers and dates). A missing key is a type error; should one come at run time
 * all the same (a key from data), the English message stands in, never the key.
 */
export function translator(language: Language, tag: string = language): Translate {
  const id = `${language}|${tag}`;
  const known = translators.get(id);
  if (known) return known;
  const catalog = catalogs[language];
  const locale = formatLocale(tag);
  const compiled = new Map<MessageKey, IntlMessageFormat | string>();
  const compile = (key: MessageKey): IntlMessageFormat | string => {
    const source = catalog[key] ?? catalogs.en[key] ?? key;
    // ignoreTag: "<" is text here; the markup around messages is the components' (lib/i18n/rich.ts).
    const message = PLAIN.test(source) ? source : new IntlMessageFormat(source, locale, undefined, { ignoreTag: true });
    compiled.set(key, message);
    return message;
  };
  const translate: Translate = (key, values) => {
    const message = compiled.get(key) ?? compile(key);
    return typeof message === "string" ? message : String(message.format(values));
  };
  translators.set(id, translate);
  return translate;
}
