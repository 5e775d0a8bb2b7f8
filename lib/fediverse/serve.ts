import "server-only";
import { onShutdown } from "../server/lifecycle";
import { logger, scrubbedError } from "../server/log";
import { processWide } from "../process-wide";
import { settings } from "../settings";
import { db } from "../server/db";
import type { FediverseOptions, SiteFederation } from "./federation";
import {
  admitInbound,
  forgetRefusedKeys,
  outOfFetchesAnswer,
  withFetchBudget,
  type InboundOptions,
} from "./inbound-limit";
import { setFediverseAnswerer, type FediverseAnswerer } from "./lane";
import { isFediversePath, WEBMENTION_PATH } from "./paths";
import { loadPipeline } from "../content/pipeline";

// The fediverse in a running server (instrumentation.ts, once per process, with FEDIVERSE=on): the
// federation, server.ts's lane answered by it, the queue's worker, and new articles published.

/** The options from the settings (which refuse allowPrivateAddress in production: lib/settings.ts). */
export function fediverseOptions(): FediverseOptions {
  const config = settings();
  const allowPrivateAddress = config.FEDIVERSE_ALLOW_PRIVATE_ADDRESS === "1";
  return {
    db,
    origin: config.SITE_URL,
    handle: config.FEDIVERSE_HANDLE,
    allowPrivateAddress,
    pollMs: config.FEDIVERSE_POLL_SECONDS * 1000,
    onError: (error) => logger().warn({ event: "fediverse", err: scrubbedError(error) }, "fediverse queue error"),
  };
}

/**
 * What answers server.ts's lane: Fedify, or null where it has nothing (onNotFound, onNotAcceptable);
 * every post counted first against its client (inbound-limit.ts). `limits.now`: their clock (tests).
 */
export function answererOf(site: SiteFederation, limits: Pick<InboundOptions, "now"> = {}): FediverseAnswerer {
  const inbound: InboundOptions = { db: site.options.db, now: limits.now };
  return {
    origin: site.options.origin,
    admit: (head) => admitInbound(head, inbound),
    answer: async (request) => {
      if (new URL(request.url).pathname === WEBMENTION_PATH) {
        const { receiveWebmention, webmentionOptions } = await import("./webmention-receive");
        return receiveWebmention(request, webmentionOptions(site));
      }
      let passed = false;
      const pass = async () => {
        passed = true;
        return new Response(null, { status: 404 });
      };
      const { result: response, outOfFetches } = await withFetchBudget(request, inbound, () =>
        site.federation.fetch(request, { contextData: undefined, onNotFound: pass, onNotAcceptable: pass }),
      );
      // Refused because its address's fetches ran out, not for what it is: told to come back.
      if (outOfFetches && response.status === 401) {
        await forgetRefusedKeys(site.kv, outOfFetches.urls);
        return outOfFetchesAnswer(outOfFetches.retryAfterSeconds);
      }
      if (!passed) return response;
      // An article asked for as something Fedify does not serve goes on to its page; Fedify's own
      // paths are nothing else's.
      const url = new URL(request.url);
      return isFediversePath(url.pathname + url.search)
        ? new Response("Not found.\n", { status: 404, headers: { "content-type": "text/plain" } })
        : null;
    },
  };
}

const shared = processWide<{ site?: SiteFederation }>("fediverse", () => ({}));

/** How often the key-value store's expired rows are dropped. */
const SWEEP_MS = 60 * 60_000;
/** How often the articles sent to followers are compared with what they are now. */
const SYNC_MS = 60_000;

/**
 * Starts the fediverse in this process (once): the lane's answerer, the queue's worker, publishing.
 * Fedify is loaded only then: a site with FEDIVERSE=off never loads it.
 */
export async function serveFediverse(): Promise<void> {
  if (settings().FEDIVERSE !== "on" || shared.site) return;
  const options = fediverseOptions();
  // Articles are sent as feeds show them (absolute links, rendered for it): the article pipeline too.
  await loadPipeline();
  const [{ createSiteFederation, runQueue }, { publishNewArticles, syncArticles }, { deliverAuthorAnswers }] =
    await Promise.all([import("./federation"), import("./publish"), import("./answers")]);
  if (shared.site) return;
  const site = (shared.site = createSiteFederation(options));
  setFediverseAnswerer(answererOf(site));
  publishNewArticles();
  deliverAuthorAnswers();
  const stop = new AbortController();
  const running = runQueue(site, stop.signal).catch((error: unknown) =>
    logger().error({ event: "fediverse", err: scrubbedError(error) }, "fediverse queue stopped"),
  );
  const sweep = setInterval(() => void site.kv.sweep().catch(options.onError), SWEEP_MS);
  sweep.unref();
  // Articles edited or removed since they were sent: an Update or a Delete (publish.ts).
  const ctx = site.federation.createContext(new URL(options.origin), undefined);
  const sync = setInterval(() => void syncArticles(site, ctx).catch(options.onError), SYNC_MS);
  sync.unref();
  onShutdown("fediverse queue", async () => {
    clearInterval(sweep);
    clearInterval(sync);
    stop.abort();
    await running;
  });
}
