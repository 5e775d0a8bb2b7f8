import { afterEach, describe, expect, it, vi } from "vitest";
import { addBlock, submitComment, submitReaction, type SubmitResult } from "@/lib/comments/service";
import { createComment } from "@/lib/comments/store";
import { issueFormToken } from "@/lib/server/form-token";
import { attemptLogin } from "@/lib/server/admin";
import { clientAddress, parseTrustProxy } from "@/lib/trust-proxy";
import { providers, withDatabase } from "../support/databases";

// One IPv6 client holds a whole /64 (issue 24): the limits count its addresses as one, and a ban
// can name the block. Through the comment service and the admin's login, on both databases.

const SLUG = "monolith-vs-microservices"; // the one article of content/: the service checks it exists
const aged = () => issueFormToken(Date.now() - 10_000);
// As server.ts resolves the client behind one nginx (TRUST_PROXY=1): the address nginx appended.
const behindNginx = (address: string) => clientAddress("127.0.0.1", address, parseTrustProxy("1"));

describe.each(providers)("IPv6 clients keyed by their prefix on %s", (_name, open, skipReason) => {
  const database = withDatabase(open, skipReason);

  function send(ip: string, body: string): Promise<SubmitResult> {
    return submitComment({ slug: SLUG, name: "Ada", body, token: aged() }, { ip, browserId: null }, database.db);
  }

  afterEach(() => vi.unstubAllEnvs());

  describe.skipIf(skipReason)("limits", () => {
    it("16 comments in a minute from 16 addresses of one /64 meet the limit of 5", async () => {
      // The minute's 5 for an hour: however slowly the 17 are sent, no place frees up.
      vi.stubEnv("COMMENT_RATE_PER_HOUR", "5");
      const kinds: string[] = [];
      for (let i = 1; i <= 16; i++) {
        const ip = behindNginx(`2001:db8:24:3::${i.toString(16)}`);
        kinds.push((await send(ip, `Comment ${i} from the same household`)).kind);
      }
      expect(kinds.filter((kind) => kind === "posted")).toHaveLength(5);
      expect(kinds.slice(5).every((kind) => kind === "rate-limited")).toBe(true);
      // Spellings of the block's addresses, and its mapped neighbours, change nothing.
      expect((await send("2001:0DB8:0024:0003:ffff::1", "Written out")).kind).toBe("rate-limited");
      // The next /64 is another client.
      expect((await send(behindNginx("2001:db8:24:4::1"), "From next door")).kind).toBe("posted");
    });

    it("follows IPV6_RATE_PREFIX: at 48, the /64s of one /48 share the limit", async () => {
      vi.stubEnv("IPV6_RATE_PREFIX", "48");
      vi.stubEnv("COMMENT_RATE_PER_HOUR", "5"); // as above
      const kinds: string[] = [];
      for (let i = 1; i <= 6; i++) kinds.push((await send(`2001:db8:48:${i}::1`, `Subnet ${i}`)).kind);
      expect(kinds).toEqual(["posted", "posted", "posted", "posted", "posted", "rate-limited"]);
    });

    it("counts 👍 on one comment per /64: 3 a day, whichever addresses of it they come from", async () => {
      const created = await createComment(
        { slug: "reactions-v6", name: "Grace", body: "Liked?", status: "published" },
        database.db,
      );
      if (created.kind !== "created") throw new Error(created.kind);
      const kinds: string[] = [];
      for (let i = 1; i <= 6; i++) {
        kinds.push(
          (await submitReaction(created.id, { ip: `2001:db8:77:1::${i}`, voterId: `voter-${i}` }, database.db)).kind,
        );
      }
      expect(kinds).toEqual(["added", "added", "added", "refused", "refused", "refused"]);
    });

    it("locks the admin's login out per /64: 10 failures from 10 of its addresses, then the right password waits too", async () => {
      vi.stubEnv("ADMIN_PASSWORD", "a long enough passphrase");
      const noWait = async () => undefined;
      for (let i = 1; i <= 10; i++) {
        expect((await attemptLogin("wrong guess", `2001:db8:99:1::${i}`, database.db, new Date(), noWait)).kind).toBe(
          "wrong",
        );
      }
      expect(
        await attemptLogin("a long enough passphrase", "2001:db8:99:1::abc", database.db, new Date(), noWait),
      ).toMatchObject({
        kind: "locked",
      });
      expect(
        (await attemptLogin("a long enough passphrase", "2001:db8:99:2::1", database.db, new Date(), noWait)).kind,
      ).toBe("ok");
    });
  });

  describe.skipIf(skipReason)("bans by prefix", () => {
    it("a ban of 2001:db8:bad:1::/64 refuses an address inside it and not one outside", async () => {
      const saved = await addBlock({ kind: "address", value: "2001:DB8:BAD:1::77/64", action: "refuse" }, database.db);
      expect(saved).toMatchObject({ kind: "saved", rule: { value: "2001:db8:bad:1::/64" } });
      expect(await send("2001:db8:bad:1:abcd::1", "From inside the range")).toMatchObject({ kind: "refused" });
      expect(await send("2001:db8:bad:2::1", "From outside the range")).toMatchObject({ kind: "posted" });
    });

    it("a ban of a plain IPv6 address covers its /64; /128 the one address", async () => {
      await addBlock({ kind: "address", value: "2001:db8:bad:3::1", action: "refuse" }, database.db);
      expect(await send("2001:db8:bad:3::2", "Same /64 as the banned address")).toMatchObject({ kind: "refused" });
      await addBlock({ kind: "address", value: "2001:db8:bad:4::1/128", action: "refuse" }, database.db);
      expect(await send("2001:db8:bad:4::1", "The banned address itself")).toMatchObject({ kind: "refused" });
      expect(await send("2001:db8:bad:4::2", "Its neighbour")).toMatchObject({ kind: "posted" });
    });

    it("a ban of an IPv4 /24 refuses inside, also written as mapped IPv6, and not outside", async () => {
      await addBlock({ kind: "address", value: "198.51.100.0/24", action: "refuse" }, database.db);
      expect(await send("::ffff:198.51.100.23", "Mapped, inside")).toMatchObject({ kind: "refused" });
      expect(await send("198.51.101.23", "Outside")).toMatchObject({ kind: "posted" });
    });

    it("refuses a rule that is not an address or range, saying what is expected", async () => {
      const refused = await addBlock({ kind: "address", value: "2001:db8::/129", action: "refuse" }, database.db);
      expect(refused).toMatchObject({ kind: "invalid" });
      expect(JSON.stringify(refused)).toContain("/0 to /128");
    });
  });
});
