import { MAX_DEPTH } from "../limits";
import { say, type ImportMessage } from "./message";
import type { SourceComment } from "./source";
import type { CheckedComment, PreparedBody } from "./validate";

// Where each comment of an import goes in Marginalia's threads, decided as the file streams by.
// A comment is placed once its parent is: under it (below MAX_DEPTH; deeper, beside it, naming
// whom it answers, as lib/comments/store/ places a new reply), or on its own, "replying to" the
// parent's author, when the parent is not in the file, was skipped, or is on another page. A
// reply read before its parent waits for it; a deleted comment waits for a reply, and is kept
// (as the place of its replies) only if one comes. Pure: the database is writer.ts's.

/** A comment ready to be placed: its checked fields, its body (unless stored already), its article. */
export type Entry = {
  source: SourceComment;
  checked: CheckedComment;
  slug: string;
  /** Null for a comment stored by an earlier import (its body is not converted again). */
  body: PreparedBody | null;
  /** Where an earlier import stored it: its replies go where it is, not where it would go now. */
  stored?: Placement & { status: string; articleSlug: string };
};

export type Placement = { parentId: string | null; rootId: string; depth: number; replyToName: string | null };

/** A comment to write (or counted as there already), where it goes, and why it stands alone if it does. */
export type Placed = { entry: Entry; placement: Placement; orphan: ImportMessage | null };

type Known =
  | { kind: "placed"; id: string; slug: string; name: string; placement: Placement }
  | { kind: "gone"; name: string }
  | { kind: "waiting"; entry: Entry }
  | { kind: "held"; entry: Entry };

export class ImportTree {
  private readonly known = new Map<string, Known>();
  /** Replies read before their parent, by the parent's id in the file. */
  private readonly waiting = new Map<string, Entry[]>();

  /** Whether the file named this id before (a second record with it is skipped). */
  has(sourceId: string): boolean {
    return this.known.has(sourceId);
  }

  /** A record that is not imported: its replies stand alone, replying to `name`. */
  gone(sourceId: string, name: string): Placed[] {
    if (this.known.has(sourceId)) return [];
    this.known.set(sourceId, { kind: "gone", name });
    return this.release(sourceId);
  }

  /** A comment read from the file: what can now be written, parents first. */
  add(entry: Entry): Placed[] {
    const { sourceId, parentSourceId, deleted } = entry.checked;
    const parent = parentSourceId === null ? undefined : this.known.get(parentSourceId);
    // One stored by an earlier import goes where it is: it waits for nothing.
    if (!entry.stored && parentSourceId !== null && (!parent || parent.kind === "waiting")) {
      this.known.set(sourceId, { kind: "waiting", entry });
      this.queue(parentSourceId, entry);
      return [];
    }
    if (deleted && !entry.stored && !this.waiting.has(sourceId)) {
      this.known.set(sourceId, { kind: "held", entry });
      return [];
    }
    const placed = parent?.kind === "held" ? this.unhold(parentSourceId!) : [];
    placed.push(...this.placeWithReplies(entry, null));
    return placed;
  }

  /**
   * At the end of the file: replies whose parent never came stand alone (a cycle of parents is
   * broken at its first comment), and how many deleted comments had no reply to keep them for.
   */
  finish(): { placed: Placed[]; deletedAlone: number } {
    const placed: Placed[] = [];
    const settle = (parentId: string, why: ImportMessage) => {
      const entries = this.waiting.get(parentId)!;
      this.waiting.delete(parentId);
      for (const entry of entries) placed.push(...this.placeOrHold(entry, why));
    };
    for (const parentId of [...this.waiting.keys()])
      if (this.waiting.has(parentId) && this.known.get(parentId)?.kind !== "waiting")
        settle(parentId, say("admin.import.why.parentNotInFile", { parent: JSON.stringify(parentId) }));
    // What still waits waits on itself, round a cycle.
    for (let next = this.waiting.keys().next(); !next.done; next = this.waiting.keys().next())
      settle(next.value, say("admin.import.why.cycle"));
    let deletedAlone = 0;
    for (const known of this.known.values()) if (known.kind === "held") deletedAlone++;
    return { placed, deletedAlone };
  }

  private queue(parentSourceId: string, entry: Entry) {
    const siblings = this.waiting.get(parentSourceId);
    if (siblings) siblings.push(entry);
    else this.waiting.set(parentSourceId, [entry]);
  }

  /** The replies that waited for `sourceId`, now that it is placed or gone. */
  private release(sourceId: string): Placed[] {
    const replies = this.waiting.get(sourceId);
    if (!replies) return [];
    this.waiting.delete(sourceId);
    return replies.flatMap((reply) => this.placeOrHold(reply, null));
  }

  /** A comment whose parent is settled: placed, or held when deleted with no reply waiting. */
  private placeOrHold(entry: Entry, why: ImportMessage | null): Placed[] {
    const { sourceId, deleted } = entry.checked;
    if (deleted && !entry.stored && !this.waiting.has(sourceId)) {
      this.known.set(sourceId, { kind: "held", entry });
      return [];
    }
    return this.placeWithReplies(entry, why);
  }

  /** A held deleted comment that a reply now needs, after the held comments above it. */
  private unhold(sourceId: string): Placed[] {
    const chain: Entry[] = [];
    for (let known = this.known.get(sourceId); known?.kind === "held";) {
      chain.push(known.entry);
      const parent = known.entry.checked.parentSourceId;
      known = parent === null ? undefined : this.known.get(parent);
    }
    return chain.reverse().flatMap((entry) => this.placeWithReplies(entry, null));
  }

  /**
   * Places a comment, then, breadth first, every reply that waited for it. A deleted reply with
   * no reply of its own is held in turn (the first comment is placed whatever it is).
   */
  private placeWithReplies(first: Entry, why: ImportMessage | null): Placed[] {
    const placed: Placed[] = [];
    const queue: Array<[Entry, ImportMessage | null]> = [[first, why]];
    for (let i = 0; i < queue.length; i++) {
      const [entry, reason] = queue[i];
      const { sourceId, deleted } = entry.checked;
      if (i > 0 && deleted && !entry.stored && !this.waiting.has(sourceId)) {
        this.known.set(sourceId, { kind: "held", entry });
        continue;
      }
      placed.push(this.place(entry, reason));
      const replies = this.waiting.get(sourceId);
      if (replies) {
        this.waiting.delete(sourceId);
        for (const reply of replies) queue.push([reply, null]);
      }
    }
    return placed;
  }

  private place(entry: Entry, why: ImportMessage | null): Placed {
    const { sourceId, parentSourceId, id, authorName } = entry.checked;
    const parent = parentSourceId === null || why ? undefined : this.known.get(parentSourceId);
    let placement: Placement;
    let orphan = why;
    if (entry.stored) placement = entry.stored;
    else if (parent?.kind === "placed" && parent.slug === entry.slug) placement = below(parent);
    else {
      if (parentSourceId !== null && !orphan)
        orphan =
          parent?.kind === "placed"
            ? say("admin.import.why.parentElsewhere", { parent: JSON.stringify(parentSourceId) })
            : say("admin.import.why.parentNotImported", { parent: JSON.stringify(parentSourceId) });
      const name = parent?.kind === "placed" || parent?.kind === "gone" ? parent.name : "";
      placement = { parentId: null, rootId: id, depth: 1, replyToName: parentSourceId !== null ? name || null : null };
    }
    this.known.set(sourceId, { kind: "placed", id, slug: entry.slug, name: authorName, placement });
    return { entry, placement, orphan };
  }
}

/** Under its parent, or beside it (naming whom it answers) when the parent is MAX_DEPTH deep. */
function below(parent: { id: string; name: string; placement: Placement }): Placement {
  const { placement } = parent;
  if (placement.depth < MAX_DEPTH)
    return { parentId: parent.id, rootId: placement.rootId, depth: placement.depth + 1, replyToName: null };
  return {
    parentId: placement.parentId,
    rootId: placement.rootId,
    depth: MAX_DEPTH,
    replyToName: parent.name || null,
  };
}
