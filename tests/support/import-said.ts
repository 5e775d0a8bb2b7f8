// What an import says about a record, in English, as the tests read it: the report keeps keys
// and values (lib/comments/import/message.ts) and puts them into words when shown.
import { sayIn, type Said } from "@/lib/comments/import/message";
import type { Listed } from "@/lib/comments/import/run";
import { translator } from "@/lib/i18n/translate";

const en = translator("en");

export const english = (said: Said | null | undefined): string | null | undefined =>
  said === null || said === undefined ? said : sayIn(en, said);

/** Listed records with their place and reason in English words. */
export const englishList = (list: Listed[] | undefined) =>
  list?.map(({ record, field, reason }) => ({ record: sayIn(en, record), field, reason: sayIn(en, reason) }));
