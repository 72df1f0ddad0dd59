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
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
