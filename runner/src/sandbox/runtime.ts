/**
 * The read-only folder every run sees as its `node_modules`: kafkajs (copied), the clients of the companion
 * services (amqplib for RabbitMQ, node-zookeeper-client for ZooKeeper, pg for PostgreSQL; each bundled into one file with its
 * dependencies) and `lab` (bundled from runner/src/lab). Built once per content hash under OFFSET_HOME/runtime,
 * so engines can mount it as is.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as esbuild from "esbuild";

const labEntry = path.resolve(import.meta.dirname, "../lab/index.ts");
const bootstrapSource = path.resolve(import.meta.dirname, "bootstrap.mjs");
const bridgeSource = path.resolve(import.meta.dirname, "bridge.mjs");
const require = createRequire(import.meta.url);

/** Client libraries a snippet may import besides kafkajs and lab. */
export const SERVICE_CLIENTS = ["amqplib", "node-zookeeper-client", "pg"] as const;

/** The version of installed package `pkg`, from the package.json above its entry point (some do not export it). */
function versionOf(pkg: string): string {
  for (let dir = path.dirname(require.resolve(pkg)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (!fs.existsSync(manifest)) continue;
    const { name, version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string; version: string };
    if (name === pkg) return version;
  }
  throw new Error(`Cannot find the version of ${pkg}`);
}

export interface Runtime {
  /** Folder holding node_modules/{kafkajs,lab}. */
  root: string;
  /** The node_modules folder inside it. */
  nodeModules: string;
  /** The entry script every run starts with (see bootstrap.mjs). */
  bootstrap: string;
}

/** Builds (or reuses) the runtime folder. */
export async function prepareRuntime(home: string): Promise<Runtime> {
  const kafkajsDir = path.dirname(require.resolve("kafkajs/package.json"));
  // Every file of the lab module goes into the bundle, so every one of them keys the cache.
  const labDir = path.dirname(labEntry);
  const labSource = Buffer.concat(
    fs
      .readdirSync(labDir)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
      .sort()
      .map((f) => fs.readFileSync(path.join(labDir, f))),
  );
  const kafkajsVersion = (JSON.parse(fs.readFileSync(path.join(kafkajsDir, "package.json"), "utf8")) as { version: string }).version;
  const hash = crypto
    .createHash("sha256")
    .update(labSource)
    .update(kafkajsVersion)
    .update(SERVICE_CLIENTS.map((pkg) => `${pkg}@${versionOf(pkg)}`).join(","))
    .update(fs.readFileSync(bootstrapSource))
    .update(fs.readFileSync(bridgeSource))
    .digest("hex")
    .slice(0, 12);
  const root = path.join(home, "runtime", hash);
  const nodeModules = path.join(root, "node_modules");
  const bootstrap = path.join(root, "bootstrap.mjs");
  if (fs.existsSync(path.join(root, ".complete"))) return { root, nodeModules, bootstrap };

  const partial = `${root}.${process.pid}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(path.join(partial, "node_modules", "lab"), { recursive: true });
  fs.cpSync(kafkajsDir, path.join(partial, "node_modules", "kafkajs"), { recursive: true, dereference: true });
  await esbuild.build({
    entryPoints: [labEntry],
    outfile: path.join(partial, "node_modules", "lab", "index.js"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    external: ["kafkajs", ...SERVICE_CLIENTS],
    logLevel: "silent",
  });
  for (const pkg of SERVICE_CLIENTS) {
    await esbuild.build({
      entryPoints: [require.resolve(pkg)],
      outfile: path.join(partial, "node_modules", pkg, "index.js"),
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node22",
      // pg loads its optional native binding only when asked for (pg.native); the pure-JavaScript client is used.
      external: ["pg-native"],
      logLevel: "silent",
    });
    fs.writeFileSync(
      path.join(partial, "node_modules", pkg, "package.json"),
      JSON.stringify({ name: pkg, version: versionOf(pkg), main: "index.js" }),
    );
  }
  fs.writeFileSync(
    path.join(partial, "node_modules", "lab", "package.json"),
    JSON.stringify({ name: "lab", type: "module", main: "index.js", exports: "./index.js" }),
  );
  fs.copyFileSync(bootstrapSource, path.join(partial, "bootstrap.mjs"));
  // The sandbox engine preloads it (node --import) to reach the brokers; other engines ignore it.
  fs.copyFileSync(bridgeSource, path.join(partial, "bridge.mjs"));
  fs.writeFileSync(path.join(partial, ".complete"), hash);
  try {
    fs.renameSync(partial, root);
  } catch {
    // Another process built the same hash first; theirs is identical.
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return { root, nodeModules, bootstrap };
}
