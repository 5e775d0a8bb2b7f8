import { describe, expect, it } from "vitest";
import { MAX_DEPTH } from "@/lib/comments/limits";
import { ImportTree, type Entry, type Placed } from "@/lib/comments/import/tree";
import { english } from "../support/import-said";

// Where an import puts each comment as the file streams by: replies read before their parent,
// parents missing or skipped, deleted comments kept only for their replies, cycles, depth.

function entry(id: string, parent: string | null = null, options: { deleted?: boolean; slug?: string } = {}): Entry {
  return {
    source: {
      kind: "comment",
      record: `comment ${id}`,
      id,
      parentId: parent,
      threadUrl: "/a",
      authorName: `Name ${id}`,
      authorUrl: null,
      body: "x",
      bodyFormat: "markdown",
      createdAt: "2020-01-01T00:00:00Z",
      state: options.deleted ? "deleted" : "published",
    },
    checked: {
      sourceId: id,
      id: `row-${id}`,
      parentSourceId: parent,
      threadUrl: "/a",
      authorName: options.deleted ? "" : `Name ${id}`,
      authorUrl: null,
      createdAt: new Date("2020-01-01T00:00:00Z"),
      deleted: options.deleted ?? false,
      pinned: false,
      dropped: null,
    },
    slug: options.slug ?? "a",
    body: { body: "x", status: "published", flags: [] },
  };
}

/** What was placed, in order: id, its parent's row, depth, whom it replies to, why it stands alone. */
const shape = (placed: Placed[]) =>
  placed.map(({ entry, placement, orphan }) => [
    entry.checked.sourceId,
    placement.parentId,
    placement.depth,
    placement.replyToName,
    english(orphan),
  ]);

describe("placing an import's comments", () => {
  it("places a reply read before its parent once the parent comes", () => {
    const tree = new ImportTree();
    expect(tree.add(entry("2", "1"))).toEqual([]);
    expect(shape(tree.add(entry("1")))).toEqual([
      ["1", null, 1, null, null],
      ["2", "row-1", 2, null, null],
    ]);
  });

  it("a reply whose parent never comes stands alone at the end; one whose parent was skipped, at once, naming them", () => {
    const tree = new ImportTree();
    tree.add(entry("3", "missing"));
    expect(shape(tree.gone("spam", "Spammer"))).toEqual([]);
    expect(shape(tree.add(entry("4", "spam")))).toEqual([
      ["4", null, 1, "Spammer", 'names "spam", which is not imported'],
    ]);
    expect(shape(tree.finish().placed)).toEqual([["3", null, 1, null, 'names "missing", which is not in the file']]);
  });

  it("keeps a deleted comment only when a reply needs its place", () => {
    const tree = new ImportTree();
    expect(tree.add(entry("d1", null, { deleted: true }))).toEqual([]);
    expect(tree.add(entry("d2", null, { deleted: true }))).toEqual([]);
    expect(shape(tree.add(entry("r", "d1")))).toEqual([
      ["d1", null, 1, null, null],
      ["r", "row-d1", 2, null, null],
    ]);
    expect(tree.finish().deletedAlone).toBe(1);
  });

  it("puts a reply on another page on its own, and one too deep beside its parent", () => {
    const tree = new ImportTree();
    tree.add(entry("1"));
    expect(shape(tree.add(entry("x", "1", { slug: "b" })))).toEqual([
      ["x", null, 1, "Name 1", 'names "1", on another page'],
    ]);
    let parent = "1";
    for (let depth = 2; depth <= MAX_DEPTH + 1; depth++) {
      const [placed] = tree.add(entry(`d${depth}`, parent));
      parent = `d${depth}`;
      if (depth > MAX_DEPTH)
        expect(placed.placement).toMatchObject({ depth: MAX_DEPTH, replyToName: `Name d${MAX_DEPTH}` });
      else expect(placed.placement.depth).toBe(depth);
    }
  });

  it("breaks a cycle of parents at its first comment, and ends", () => {
    const tree = new ImportTree();
    tree.add(entry("a", "b"));
    tree.add(entry("b", "a"));
    expect(shape(tree.finish().placed)).toEqual([
      ["a", null, 1, null, "its parents form a cycle"],
      ["b", "row-a", 2, null, null],
    ]);
  });

  it("knows the ids it has seen, so a second record with one is skipped", () => {
    const tree = new ImportTree();
    tree.add(entry("1"));
    tree.gone("2", "");
    expect([tree.has("1"), tree.has("2"), tree.has("3")]).toEqual([true, true, false]);
  });
});
