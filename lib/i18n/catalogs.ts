// Every catalog, by language. Server code only: client components get the few messages they
// show as props (lib/i18n/index.ts), so no catalog travels to the browser.
import type { Language } from "./languages";
import { en, type Catalog } from "./messages/en";
import { fr } from "./messages/fr";
import { de } from "./messages/de";
import { es } from "./messages/es";
import { ptBR } from "./messages/pt-BR";
import { ja } from "./messages/ja";
import { zhHans } from "./messages/zh-Hans";
import { ar } from "./messages/ar";
import { ur } from "./messages/ur";
import { overrides } from "./overrides";

const shipped: Record<Language, Catalog> = { en, fr, de, es, "pt-BR": ptBR, ja, "zh-Hans": zhHans, ar, ur };

/** The shipped catalogs with the site's own wording (lib/i18n/overrides.ts) over them. */
export const catalogs: Record<Language, Catalog> = Object.fromEntries(
  Object.entries(shipped).map(([language, catalog]) => [language, { ...catalog, ...overrides[language as Language] }]),
) as Record<Language, Catalog>;

export { shipped };
