/** A full site build into a temporary folder, so the dist/ that `npm start` and others serve is never replaced mid-use. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "./stack.ts";
import { round, wallNow } from "./stats.ts";

export async function buildSite(): Promise<{ seconds: number; outDir: string; pages: number }> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-bench-site-"));
  const started = wallNow();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    let output = "";
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, "node_modules/astro/bin/astro.mjs"), "build", "--silent", "--outDir", outDir],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("close", (code) => resolve({ code, output }));
  });
  const seconds = round((wallNow() - started) / 1000, 1);
  if (code !== 0 || !fs.existsSync(path.join(outDir, "index.html"))) {
    fs.rmSync(outDir, { recursive: true, force: true });
    throw new Error(`astro build failed (exit ${code}): ${output.slice(-1500)}`);
  }
  const pages = fs.readdirSync(outDir, { recursive: true }).filter((f) => String(f).endsWith(".html")).length;
  return { seconds, outDir, pages };
}
