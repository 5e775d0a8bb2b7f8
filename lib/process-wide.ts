// What the process holds once, each part by its name. server.ts, proxy.ts, instrumentation.ts and
// the app's route bundles each load a copy of their own of a module (Next.js bundles them apart)
// but run in one process, so a module-level variable would exist once per copy: what the copies
// must share (the page cache, the logger, the lane's answerer…) is kept here, the one place in
// lib/ that touches globalThis. No imports: a client component's server render reads through it.

const parts: Map<string, unknown> = ((globalThis as Record<symbol, Map<string, unknown>>)[
  Symbol.for("marginalia.process-wide")
] ??= new Map());

/** This process's one `name`, made by `create` the first time any copy of a module asks for it. */
export function processWide<T extends object>(name: string, create: () => T): T {
  let part = parts.get(name) as T | undefined;
  if (!part) parts.set(name, (part = create()));
  return part;
}
