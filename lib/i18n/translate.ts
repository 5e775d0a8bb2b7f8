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

type Compiled = string | ((values?: MessageValues) => string);

// intl-messageformat's node types: 0 text, 1 a plain {argument}.
type Node = { type: number; value: string };

/**
 * A message made ready once: text with plain {arguments} becomes its pieces, joined at each call
 * (a comment's "replying to @{name}", some thousand times on a long discussion); one with plurals,
 * selects or formats keeps intl-messageformat's own formatter.
 */
function precompile(source: string, locale: string): Compiled {
  // ignoreTag: "<" is text here; the markup around messages is the components' (lib/i18n/rich.tsx).
  const message = new IntlMessageFormat(source, locale, undefined, { ignoreTag: true });
  const nodes = message.getAst() as Node[];
  if (!nodes.every((node) => node.type === 0 || node.type === 1)) {
    return (values) => String(message.format(values));
  }
  return (values) => {
    let text = "";
    for (const node of nodes) text += node.type === 0 ? node.value : String(values?.[node.value] ?? "");
    return text;
  };
}

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
  const compiled = new Map<MessageKey, Compiled>();
  const compile = (key: MessageKey): Compiled => {
    const source = catalog[key] ?? catalogs.en[key] ?? key;
    const message = PLAIN.test(source) ? source : precompile(source, locale);
    compiled.set(key, message);
    return message;
  };
  const translate: Translate = (key, values) => {
    const message = compiled.get(key) ?? compile(key);
    return typeof message === "string" ? message : message(values);
  };
  translators.set(id, translate);
  return translate;
}
