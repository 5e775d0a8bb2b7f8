// Every catalog, by language. Server code only: client components get the few messages they
// show as props (lib/i18n/index.ts), so no catalog travels to the browser.
import type { Language } from "./languages";
import { en, type Catalog } from "./messages/en";
import { overrides } from "./overrides";
import frReader from "./messages/fr/reader.json";
import frAuthor from "./messages/fr/author.json";
import deReader from "./messages/de/reader.json";
import deAuthor from "./messages/de/author.json";
import esReader from "./messages/es/reader.json";
import esAuthor from "./messages/es/author.json";
import ptBRReader from "./messages/pt-BR/reader.json";
import ptBRAuthor from "./messages/pt-BR/author.json";
import jaReader from "./messages/ja/reader.json";
import jaAuthor from "./messages/ja/author.json";
import zhHansReader from "./messages/zh-Hans/reader.json";
import zhHansAuthor from "./messages/zh-Hans/author.json";
import arReader from "./messages/ar/reader.json";
import arAuthor from "./messages/ar/author.json";
import urReader from "./messages/ur/reader.json";
import urAuthor from "./messages/ur/author.json";

/** The catalogs as shipped; `Catalog` makes TypeScript refuse one that lacks a message. */
export const shipped: Record<Language, Catalog> = {
  en,
  fr: { ...frReader, ...frAuthor },
  de: { ...deReader, ...deAuthor },
  es: { ...esReader, ...esAuthor },
  "pt-BR": { ...ptBRReader, ...ptBRAuthor },
  ja: { ...jaReader, ...jaAuthor },
  "zh-Hans": { ...zhHansReader, ...zhHansAuthor },
  ar: { ...arReader, ...arAuthor },
  ur: { ...urReader, ...urAuthor },
};

/** The shipped catalogs with the site's own wording (lib/i18n/overrides.ts) over them. */
export const catalogs: Record<Language, Catalog> = Object.fromEntries(
  Object.entries(shipped).map(([language, catalog]) => [language, { ...catalog, ...overrides[language as Language] }]),
) as Record<Language, Catalog>;
