import type * as Markdown from "./markdown";
import { processWide } from "../process-wide";

// The article pipeline (markdown.ts: remark, rehype, highlight.js, KaTeX, parse5, image-size) is
// loaded when a render needs it, by a dynamic import that the bundler splits into chunks of their
// own: a production server whose articles are all kept rendered (article-cache.ts) never loads it,
// 10–15 MB of heap (docs/performance.md, Memory). Everywhere else (the build, development, the
// tests and scripts) articles.ts loads it before its first read, so reads stay synchronous.

export type Pipeline = typeof Markdown;

/** A render was asked for and the pipeline is not loaded yet: load it (loadPipeline), then ask again. */
export class PipelineNotLoaded extends Error {
  constructor() {
    super("the article pipeline is not loaded yet");
    this.name = "PipelineNotLoaded";
  }
}

/** By name: each bundle's copy of this module has a class of its own. */
export const isPipelineNotLoaded = (error: unknown): boolean =>
  error instanceof Error && error.name === "PipelineNotLoaded";

// One per process: each route bundle has a copy of this module, the first copy's import serves all.
const state = processWide<{ module?: Pipeline; loading?: Promise<Pipeline>; loads: number }>(
  "article-pipeline",
  () => ({
    loads: 0,
  }),
);

/** Loads the pipeline once (a failed import is tried again by the next call). */
export function loadPipeline(): Promise<Pipeline> {
  state.loading ??= import("./markdown").then(
    (module) => {
      state.module = module;
      state.loads++;
      return module;
    },
    (error: unknown) => {
      state.loading = undefined;
      throw error;
    },
  );
  return state.loading;
}

/** The loaded pipeline; throws PipelineNotLoaded before loadPipeline has finished. */
export function pipeline(): Pipeline {
  if (!state.module) throw new PipelineNotLoaded();
  return state.module;
}

export const pipelineLoaded = (): boolean => state.module !== undefined;

/** How many times this process loaded the pipeline (tests: a restart that finds every render kept loads none). */
export const pipelineLoads = (): number => state.loads;

/** Tests: forget the pipeline, as a new process would not have it. */
export function forgetPipeline(): void {
  state.module = undefined;
  state.loading = undefined;
  state.loads = 0;
}

/** Runs `read`, loading the pipeline first if it needs it (an async caller's sync read). */
export async function withPipeline<T>(read: () => T): Promise<T> {
  try {
    return read();
  } catch (error) {
    if (!isPipelineNotLoaded(error)) throw error;
    await loadPipeline();
    return read();
  }
}
