/**
 * Runs only the learner-experience specs, against BASE_URL (a running `npm start`), with Debian's Chromium.
 * The project's e2e config picks these specs up too; this one exists to run them alone: `npx playwright test -c e2e/ux`.
 */
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: ".",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  outputDir: "../../test-results/ux",
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:4321",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    },
  },
});
