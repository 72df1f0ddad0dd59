import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // the long tests have their own suite (npm run test:slow, vitest.slow.config.ts)
    exclude: ["test/slow/**", "**/node_modules/**"],
    // Tests drive real git and real processes; on two slow cores they need room.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most of a test's time is spent waiting on git, workerd and wrangler processes: a test file
    // per core, and at least three, keep the cores busy (vitest's default, cores - 1, leaves one
    // of two idle).
    maxWorkers: Math.max(availableParallelism(), 3),
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
