// @ts-check
import fs from "node:fs";
import path from "node:path";
import starlight from "@astrojs/starlight";
import { fileURLToPath } from "node:url";
import { defineConfig } from "astro/config";
import { precompress } from "./scripts/precompress.ts";
import { stripOrder } from "./runner/src/protocol/lessons.ts";

const lessonsRoot = path.resolve("content/lessons");

/** The sidebar comes from the content tree: numbered part folders holding numbered lesson folders. */
function sidebarFromContent() {
  return fs
    .readdirSync(lessonsRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d+-/.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((part) => {
      const dir = path.join(lessonsRoot, part.name);
      const meta = fs.existsSync(path.join(dir, "_part.json")) ? JSON.parse(fs.readFileSync(path.join(dir, "_part.json"), "utf8")) : {};
      const label =
        meta.label ??
        stripOrder(part.name)
          .replace(/-/g, " ")
          .replace(/^./, (/** @type {string} */ c) => c.toUpperCase());
      const items = fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && /^\d+-/.test(e.name) && fs.existsSync(path.join(dir, e.name, "index.mdx")))
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((lesson) => ({ slug: `${stripOrder(part.name)}/${stripOrder(lesson.name)}` }));
      return { label, items };
    });
}

// In `astro dev` the API lives in the runner process (npm start); forward /api there.
const runnerUrl = process.env.RUNNER_URL ?? "http://127.0.0.1:4321";

export default defineConfig({
  site: "https://offset.example.org",
  server: { port: 4322 },
  integrations: [
    starlight({
      title: "Offset",
      description: "The live Kafka course: every lesson runs on a real cluster.",
      logo: { src: "./src/assets/logo.svg", replacesTitle: false },
      sidebar: sidebarFromContent(),
      customCss: ["./src/styles/course.css"],
      components: { Sidebar: "./src/components/overrides/Sidebar.astro" },
      pagination: true,
      lastUpdated: false,
    }),
    // Brotli and gzip copies of the built files, which the runner serves to browsers that accept them.
    {
      name: "offset-precompress",
      hooks: {
        "astro:build:done": async ({ dir, logger }) => {
          const started = Date.now();
          const r = await precompress(fileURLToPath(dir));
          const mb = (/** @type {number} */ n) => (n / 1024 / 1024).toFixed(1);
          logger.info(`${r.files} files compressed: ${mb(r.rawBytes)} MB → ${mb(r.brotliBytes)} MB brotli (${Date.now() - started} ms)`);
        },
      },
    },
  ],
  vite: {
    server: { proxy: { "/api": { target: runnerUrl, changeOrigin: false } } },
  },
});
