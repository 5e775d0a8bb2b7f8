// The JavaScript an article page makes a browser download, read from the build's manifests and
// gzipped as a server would send it; and Next.js's own share of it, what its minimal App Router
// page loads (rootMainFiles: the runtime, React and the router), which is the baseline.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const gzipBytes = (files: string[]) =>
  files.reduce((sum, file) => sum + zlib.gzipSync(fs.readFileSync(path.join(".next", file)), { level: 9 }).length, 0);

export function articleJavaScript(): {
  articleFiles: string[];
  articleGzip: number;
  minimalFiles: string[];
  minimalGzip: number;
} {
  const build = JSON.parse(fs.readFileSync(".next/build-manifest.json", "utf8")) as { rootMainFiles: string[] };
  const source = fs.readFileSync(".next/server/app/articles/[slug]/page_client-reference-manifest.js", "utf8");
  const sandbox = { self: {} as Record<string, unknown> } as {
    self: { __RSC_MANIFEST?: Record<string, { entryJSFiles: Record<string, string[]> }> };
  };
  new Function("self", "globalThis", source)(sandbox.self, sandbox.self);
  const manifest = sandbox.self.__RSC_MANIFEST?.["/articles/[slug]/page"];
  if (!manifest) throw new Error("no client reference manifest for /articles/[slug]/page");
  const entries = manifest.entryJSFiles;
  const pageFiles = [
    ...(entries["[project]/app/layout"] ?? []),
    ...(entries["[project]/app/articles/[slug]/page"] ?? []),
  ];
  const articleFiles = [...new Set([...build.rootMainFiles, ...pageFiles])];
  return {
    articleFiles,
    articleGzip: gzipBytes(articleFiles),
    minimalFiles: build.rootMainFiles,
    minimalGzip: gzipBytes(build.rootMainFiles),
  };
}

/** The stylesheets an article page links (the layout's and the page's), gzipped. */
export function articleCss(): { cssFiles: string[]; cssGzip: number } {
  const source = fs.readFileSync(".next/server/app/articles/[slug]/page_client-reference-manifest.js", "utf8");
  const sandbox = { self: {} as Record<string, unknown> } as {
    self: { __RSC_MANIFEST?: Record<string, { entryCSSFiles: Record<string, { path: string; inlined?: boolean }[]> }> };
  };
  new Function("self", "globalThis", source)(sandbox.self, sandbox.self);
  const entries = sandbox.self.__RSC_MANIFEST?.["/articles/[slug]/page"]?.entryCSSFiles ?? {};
  const cssFiles = [...new Set(Object.values(entries).flatMap((files) => files.map((file) => file.path)))];
  return { cssFiles, cssGzip: gzipBytes(cssFiles) };
}
