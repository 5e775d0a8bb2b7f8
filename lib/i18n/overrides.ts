import type { Catalog } from "./messages/en";
import type { Language } from "./languages";

/**
 * The site's own wording of any message, per language, over the shipped catalogs: a blog that
 * says "Responses" rather than "Comments" writes `en: { "comments.heading": "Responses" }` here
 * (docs/languages.md). Checked like the catalogs: the same arguments as English, a valid message.
 */
export const overrides: Partial<Record<Language, Partial<Catalog>>> = {};
