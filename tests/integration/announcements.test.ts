// New-article mails: each article announced once, when it first becomes visible, even with two
// senders at the same moment; on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceNewArticles } from "@/lib/mail/announcements";
import { confirmAddress, subscribe } from "@/lib/mail/subscriptions";
import { createDb } from "@/lib/server/db";
import { providers, withDatabase } from "../support/databases";

const FIXTURES = "tests/fixtures/content-e2e";
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe.each(providers)("new-article mails on %s", (name, open, skipReason) => {
  const database = withDatabase(open, skipReason);

  beforeAll(async () => {
    if (skipReason) return;
    process.env.SMTP_URL = "smtp://127.0.0.1:8599";
  });
  afterAll(async () => {
    delete process.env.SMTP_URL;
  });

  it.skipIf(skipReason)("announces each article once, when its date comes, to confirmed followers only", async () => {
    const confirmed = await database.db.$transaction((tx) =>
      subscribe(tx as never, { email: "reader@example.org", kind: "articles", target: "" }),
    );
    const token = (await database.db.mailToken.findFirstOrThrow({ where: { subject: confirmed.subscriberId! } })).id;
    // The link's token is signed; confirm through the same path as the page does.
    const { sign } = await import("@/lib/server/signing");
    expect(await confirmAddress(database.db, sign(`confirm:${token}`))).toBe("ok");
    await database.db.$transaction((tx) =>
      subscribe(tx as never, { email: "unconfirmed@example.org", kind: "articles", target: "" }),
    );

    // The first look only notes what is already out.
    expect(await announceNewArticles(database.db, day("2026-01-05"), FIXTURES)).toEqual([]);
    // Three more days: three articles, announced by exactly one of two senders looking at once.
    const other = createDb(database.url);
    try {
      // SQLite has one writer, and one app process: its two senders take turns.
      const [a, b] =
        name === "PostgreSQL"
          ? await Promise.all([
              announceNewArticles(database.db, day("2026-01-08"), FIXTURES),
              announceNewArticles(other, day("2026-01-08"), FIXTURES),
            ])
          : [
              await announceNewArticles(database.db, day("2026-01-08"), FIXTURES),
              await announceNewArticles(other, day("2026-01-08"), FIXTURES),
            ];
      expect([...a, ...b].sort()).toHaveLength(3);
      expect(new Set([...a, ...b]).size).toBe(3);
    } finally {
      await other.$disconnect();
    }
    expect(await announceNewArticles(database.db, day("2026-01-08"), FIXTURES)).toEqual([]);
    const mails = await database.db.outboxMessage.findMany({ where: { kind: "article" } });
    expect(mails).toHaveLength(3);
    expect(new Set(mails.map((m) => m.subscriberId))).toEqual(new Set([confirmed.subscriberId]));
  });
});
