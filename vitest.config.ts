import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside Next's server bundle; the tests are server code too.
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    environment: "node",
    env: { COOKIE_SECRET: "test-secret-that-is-at-least-32-characters-long" },
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    // Files side by side: each makes databases of its own (a SQLite file, a PostgreSQL database on
    // the shared server) and its process keeps its own state, so none sees another's rows.
    fileParallelism: true,
    // One per core (Vitest's default leaves one free): the files mostly wait on their databases.
    maxWorkers: "100%",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
