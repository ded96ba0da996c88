import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["runner/src/**/*.test.ts", "scripts/**/*.test.ts"],
        },
      },
      {
        // Integration, sandbox and hostile tests share one real cluster and stop brokers: one file at a time.
        test: {
          name: "integration",
          include: ["runner/test/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
