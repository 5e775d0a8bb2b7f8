import type { MessageKey, Translate } from "../../i18n";

// What an import says about one record (why it was skipped, changed or refused, and where it is)
// in no language yet: a key of the author's catalog and its values, put into words when the
// report is shown (report.ts), in the site's language then. A job's report is kept as JSON, so a
// report stored by an older version holds plain English strings instead: shown as they are.

export type ImportKey = Extract<MessageKey, `admin.import.${string}`>;

/** A message of the import: its key, and its values, which may be messages themselves. */
export type ImportMessage = { key: ImportKey; values?: Record<string, string | number | ImportMessage> };

/** Text as stored before messages had keys, or a message. */
export type Said = string | ImportMessage;

export const say = (key: ImportKey, values?: ImportMessage["values"]): ImportMessage =>
  values ? { key, values } : { key };

/** Where in the file: "post dsq:id="42" (line 120)". */
export const at = (what: string, line: number): ImportMessage => say("admin.import.record.at", { what, line });
/** A line of the file with nothing more to name it by. */
export const onLine = (line: number): ImportMessage => say("admin.import.record.line", { line });
export const WHOLE_FILE: ImportMessage = say("admin.import.record.file");

/** The words of `said` in the translator's language; a plain string (an older report) as it is. */
export function sayIn(t: Translate, said: Said | undefined): string {
  if (said === undefined) return "";
  if (typeof said === "string") return said;
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(said.values ?? {}))
    values[name] = typeof value === "object" ? sayIn(t, value) : value;
  return t(said.key, values);
}

/** A field's name as the report shows it: the language's word for the fields it has one for. */
const fieldIn = (t: Translate, field: string): string => t("admin.import.field", { field });

/** One record named, "post dsq:id="42" (line 120): date: is not a date: "yesterday"", in the translator's language. */
export function describe(
  t: Translate,
  { record, field, reason }: { record: Said; field?: string; reason: Said },
): string {
  const what = field
    ? t("admin.import.report.entry", { where: fieldIn(t, field), what: sayIn(t, reason) })
    : sayIn(t, reason);
  return t("admin.import.report.entry", { where: sayIn(t, record), what });
}
