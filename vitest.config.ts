import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The slow chaos suites run in `npm run test:chaos` (vitest.chaos.config.ts).
    exclude: ["**/node_modules/**", "test/**/*.chaos.test.ts"],
    environment: "node",
    // The JSON report feeds .ci/run's closing "N passed, N failed" line.
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
    // The wire-level suites start real local servers: give them room on a 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "json-summary"],
      thresholds: {
        // The pure core is held to 95% of lines and branches (issue: foundation).
        "src/core/**/*.ts": { lines: 95, branches: 95, functions: 95, statements: 95 },
      },
    },
  },
});
