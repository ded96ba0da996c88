/**
 * Browser tests: the lesson checks (generated from /lessons.json of the deployment under test), the learner
 * experience specs, and the fault-injection lessons, which stop brokers and so run alone, last.
 * BASE_URL picks the deployment (`npm run check:lessons -- --base-url …` sets it).
 */
import fs from "node:fs";
import { defineConfig } from "@playwright/test";

const debianChromium = "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  outputDir: "e2e/artifacts/results",
  // A retried pass would hide a real failure; flaky lessons must show up as failures.
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: Number(process.env.LESSON_WORKERS ?? 2),
  reporter: [
    ["list"],
    ["html", { outputFolder: "e2e/artifacts/report", open: "never" }],
    ["json", { outputFile: "e2e/artifacts/results.json" }],
  ],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:4321",
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      ...(fs.existsSync(debianChromium) ? { executablePath: debianChromium } : {}),
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    },
  },
  projects: [
    { name: "lessons", testMatch: /lessons\/lessons\.spec\.ts/, fullyParallel: true },
    { name: "ux", testMatch: /ux\/(?!.*faults).*\.spec\.ts/, fullyParallel: true },
    // Stopping brokers disturbs every other run: these go after the others, one at a time.
    { name: "faults", testMatch: /.*faults.*\.spec\.ts/, dependencies: ["lessons", "ux"], fullyParallel: false, workers: 1 },
  ],
});
