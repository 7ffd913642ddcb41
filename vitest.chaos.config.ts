import { defineConfig } from "vitest/config";

// `npm run test:chaos`: the slow chaos suites (the model-based test at 5,000 sequences and
// afk as a real process killed at random moments). `npm test` runs the model-based test at
// 200 sequences and leaves the `*.chaos.test.ts` files to this config.
export default defineConfig({
  test: {
    include: ["test/**/*.chaos.test.ts"],
    environment: "node",
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest-chaos.json" },
    testTimeout: 900_000,
    hookTimeout: 60_000,
    // One file at a time: the real-process test keeps to real time on a 2-core machine.
    fileParallelism: false,
  },
});
