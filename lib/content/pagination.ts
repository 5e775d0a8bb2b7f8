/** One page of a list, with what the page links need. Pages are numbered from 1. */
export type Page<T> = { items: T[]; page: number; pageCount: number };

export function paginate<T>(items: T[], page: number, perPage: number): Page<T> | null {
  const pageCount = Math.max(1, Math.ceil(items.length / perPage));
  if (!Number.isInteger(page) || page < 1 || page > pageCount) return null;
  return { items: items.slice((page - 1) * perPage, page * perPage), page, pageCount };
}
