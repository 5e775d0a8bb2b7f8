import { Fragment, type ReactNode } from "react";
import type { MessageValues, Translate } from "./translate";
import type { MessageKey } from "./messages/en";

/**
 * A message with elements in it ("Follow by {rss} or {atom}" with two links): each element is put
 * in place of its argument, in the order the translation puts them, with the text around them
 * escaped by React as any other. The elements' own words are messages of their own.
 */
export function rich(
  t: Translate,
  key: MessageKey,
  elements: Record<string, ReactNode>,
  values: MessageValues = {},
): ReactNode {
  const names = Object.keys(elements);
  // Markers no message contains stand in for the elements, then the text is cut at them.
  const text = t(key, { ...values, ...Object.fromEntries(names.map((name, i) => [name, `\u0000${i}\u0000`])) });
  return text
    .split("\u0000")
    .map((part, i) => <Fragment key={i}>{i % 2 === 1 ? elements[names[Number(part)]] : part}</Fragment>);
}
