// A Mastodon instance on loopback for the fediverse's scenarios (tests/reliability/fediverse.ts)
// and for trying it by hand (scripts/fediverse-demo.ts): a second Fedify server with one account,
// alice, that records what its inboxes receive, follows a blog and replies to its articles, signed
// as a real instance signs.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createFederation, generateCryptoKeyPair, MemoryKvStore, type Federation } from "@fedify/fedify";
import {
  Accept,
  Create,
  Endpoints,
  Follow,
  Note,
  Person,
  PUBLIC_COLLECTION,
  type Object as APObject,
} from "@fedify/fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";

export type RemoteInstance = Awaited<ReturnType<typeof startRemoteInstance>>;

/** The instance on 127.0.0.1:`port`; `close` stops it. */
export async function startRemoteInstance(port: number) {
  const origin = `http://127.0.0.1:${port}`;
  const keys = [await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), await generateCryptoKeyPair("Ed25519")];
  const received: { type: string; object?: unknown }[] = [];
  const federation: Federation<void> = createFederation<void>({
    kv: new MemoryKvStore(),
    origin,
    allowPrivateAddress: true,
  });
  federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
      if (identifier !== "alice") return null;
      const pairs = await ctx.getActorKeyPairs(identifier);
      return new Person({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: "Alice Remote",
        url: new URL(`/@${identifier}`, origin),
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: pairs[0].cryptographicKey,
        assertionMethods: pairs.map((pair) => pair.multikey),
      });
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => (identifier === "alice" ? keys : []));
  federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Accept, async () => void received.push({ type: "Accept" }))
    .on(Create, async (ctx, create) => void received.push({ type: "Create", object: await create.getObject(ctx) }));
  // Every POST that reached an inbox, whatever Fedify's listeners make of a repeated activity.
  const inboxPosts: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void serveFetch(federation, origin, request, response, (body) => {
      if (request.method === "POST") inboxPosts.push(JSON.parse(body || "{}").type ?? "?");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const ctx = federation.createContext(new URL(origin), undefined);
  const alice = ctx.getActorUri("alice");
  let replies = 0;
  return {
    origin,
    /** alice's handle, as a person on the instance writes it. */
    handle: `@alice@${new URL(origin).host}`,
    received,
    inboxPosts,
    ctx,
    /** Looks `actor` (a URL or a handle) up as Mastodon's search does. */
    lookUp: async (actor: string) => {
      const found = await ctx.lookupObject(actor);
      if (!(found instanceof Person)) throw new Error(`${actor} is not an actor`);
      return found;
    },
    /** alice follows `blog`. */
    follow: (blog: APObject) =>
      ctx.sendActivity(
        { identifier: "alice" },
        blog as Person,
        new Follow({ id: new URL(`${origin}/users/alice#follows/1`), actor: alice, object: blog.id }),
      ),
    /** alice replies `words` (plain text) to `target` (an article's or a comment's URL), public. */
    reply: (blog: APObject, target: string, words: string) => {
      const noteId = `${origin}/users/alice/statuses/${++replies}`;
      return ctx.sendActivity(
        { identifier: "alice" },
        blog as Person,
        new Create({
          id: new URL(`${noteId}/activity`),
          actor: alice,
          object: new Note({
            id: new URL(noteId),
            attribution: alice,
            url: new URL(`${origin}/@alice/${replies}`),
            replyTarget: new URL(target),
            content: `<p>${words.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
            published: Temporal.Now.instant(),
            to: PUBLIC_COLLECTION,
          }),
        }),
      );
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A node request handed to a Fedify federation, as a framework integration would; `sawBody` is
 * given the body first (to record what arrived).
 */
export async function serveFetch(
  federation: Federation<void>,
  origin: string,
  request: IncomingMessage,
  response: ServerResponse,
  sawBody?: (body: string) => void,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  sawBody?.(body.toString("utf8"));
  const answer = await federation.fetch(
    new Request(new URL(request.url ?? "/", origin), {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: body.length ? body : undefined,
    }),
    { contextData: undefined },
  );
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  response.end(Buffer.from(await answer.arrayBuffer()));
}
