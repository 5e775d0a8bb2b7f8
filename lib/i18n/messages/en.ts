// The English catalog: the source every other catalog translates, key for key, with the same
// arguments (tests/unit/i18n-catalogs.test.ts). Each language is a folder of two JSON files, what
// readers see (reader.json: the pages, the comment section, its forms and errors) and what the
// author sees (author.json: /admin, the pages a mail's links open, the mails). ICU MessageFormat:
// {name} an argument, {count, plural, one {…} other {…}} and {kind, select, …} choices, # the
// count; '' an apostrophe where one would otherwise quote.
import reader from "./en/reader.json";
import author from "./en/author.json";

export const en = { ...reader, ...author };

export type MessageKey = keyof typeof en;
/** A translation: every key of the English catalog (TypeScript checks it; the test, that there is no other). */
export type Catalog = Record<MessageKey, string>;
