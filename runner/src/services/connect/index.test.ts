import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { kafkaVersion } from "../../cluster/local/jars.ts";
import { servicePorts } from "../ports.ts";
import { ConnectService, defaultFilesRoot, reachableByAll } from "./index.ts";
import { connectPomPath, connectVersion } from "./jars.ts";
import { sessionOfToken } from "./rest-gate.ts";

const dirs: string[] = [];
const services: ConnectService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop(() => {});
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(mode = 0o755): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "connect-unit-"));
  fs.chmodSync(dir, mode);
  dirs.push(dir);
  return dir;
}

/** A port base whose gate port (base + 21) is free now. */
async function freeBase(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port - 21;
}

function service(options: { classroom?: boolean; base?: number; confine?: boolean } = {}): ConnectService {
  const root = tempDir();
  const connect = new ConnectService({
    home: root,
    runDir: path.join(root, "services", "connect"),
    ports: servicePorts(options.base ?? 26700),
    classroom: options.classroom ?? true,
    bootstrap: () => ["127.0.0.1:19092"],
    secret: () => "unit-secret",
    confine: options.confine ?? true,
  });
  services.push(connect);
  return connect;
}

const inside = (address: string) => address.replace("127.0.0.1", "10.0.0.1");

describe("the connect pom", () => {
  it("pins the same Kafka version as the course cluster, with connect-file kept off the class path", () => {
    expect(connectVersion()).toBe(kafkaVersion());
    const pom = fs.readFileSync(connectPomPath, "utf8");
    for (const artifact of ["connect-runtime", "connect-json", "connect-file"])
      expect(pom).toContain(`<artifactId>${artifact}</artifactId>`);
    expect(pom).toMatch(/<artifactId>connect-file<\/artifactId>\s*<version>\$\{kafka\.version\}<\/version>\s*<scope>provided<\/scope>/);
  });
});

describe("ConnectService", () => {
  it("names itself, its ports and install line, and offers learners the gate only", () => {
    const connect = service();
    expect(connect.name).toBe("connect");
    expect(connect.title).toBe("Kafka Connect 4.3.1");
    expect(connect.install).toBe("Maven Central: org.apache.kafka:connect-runtime:4.3.1 (plugin connect-file:4.3.1)");
    expect(connect.ports).toEqual([26720, 26721]);
    expect(connect.restAddress).toBe("127.0.0.1:26720");
    expect(connect.endpoints()).toEqual([{ address: "127.0.0.1:26721" }]);
    expect(connect.memoryMb).toBeGreaterThanOrEqual(192);
    expect(connect.pids()).toEqual([]);
  });

  it("gives each session a folder of its own that nobody can write to, under an unlistable root", () => {
    const connect = service();
    const a = connect.filesDir("s-0123456789ab");
    const b = connect.filesDir("s-ffffffffffff");
    expect(a).not.toBe(b);
    expect(path.dirname(a)).toBe(connect.files.filesRoot);
    expect(path.basename(a)).toMatch(/^[0-9a-f]{24}$/);
    expect(fs.statSync(a).mode & 0o777).toBe(0o777);
    expect(fs.statSync(connect.files.filesRoot).mode & 0o777).toBe(0o711);
    expect(connect.workerFilesDir("s-0123456789ab")).toBe(`/connect-files/${path.basename(a)}`);
    expect(service({ confine: false }).workerFilesDir("s-0123456789ab")).toMatch(/\/services\/connect\/files\/[0-9a-f]{24}$/);
  });

  it("hands a session its gate URL (a token only the runner can make) and both views of its folder", async () => {
    const base = await freeBase();
    const connect = service({ base });
    const env = await connect.sessionEnv("s-0123456789ab", inside);
    expect(env.LAB_CONNECT_URL).toMatch(new RegExp(`^http://10\\.0\\.0\\.1:${base + 21}/s/s-0123456789ab\\.[0-9a-f]{32}/$`));
    const token = /\/s\/([^/]+)\//.exec(env.LAB_CONNECT_URL!)![1]!;
    expect(sessionOfToken("unit-secret", token)).toBe("s-0123456789ab");
    // A run that mounts the folder sees it where the worker does; one that cannot sees the host folder.
    expect(env.LAB_CONNECT_FILES).toBe(connect.workerFilesDir("s-0123456789ab"));
    expect(env.LAB_CONNECT_WORKER_FILES).toBe(connect.workerFilesDir("s-0123456789ab"));
    expect(connect.sessionFolders("s-0123456789ab")).toEqual([
      { host: connect.filesDir("s-0123456789ab"), inside: connect.workerFilesDir("s-0123456789ab") },
    ]);
    const unmounted = await connect.sessionEnv("s-0123456789ab", inside, (folder) => folder.host);
    expect(unmounted.LAB_CONNECT_FILES).toBe(connect.filesDir("s-0123456789ab"));
    expect(fs.existsSync(connect.filesDir("s-0123456789ab"))).toBe(true);
    // The gate listens now, and says the worker is down.
    const answer = await fetch(`${connect.gateUrl("s-0123456789ab")}connectors`);
    expect(answer.status).toBe(503);
    const stranger = await fetch(connect.gateUrl("s-0123456789ab").replace("s-0123456789ab.", "s-ffffffffffff."));
    expect(stranger.status).toBe(403);
  });

  it("refuses a classroom run without a session, and a single learner's token in classroom mode", async () => {
    const base = await freeBase();
    const connect = service({ base });
    await expect(connect.sessionEnv("", inside)).rejects.toThrow(/classroom run needs its session's own connectors/);
    await connect.sessionEnv("s-0123456789ab", inside);
    expect((await fetch(connect.gateUrl(""))).status).toBe(403);
  });

  it("forgets a session's folder at once and its connectors at the next start when the worker is down", async () => {
    const connect = service();
    const folder = connect.filesDir("s-0123456789ab");
    fs.writeFileSync(path.join(folder, "in.txt"), "x\n");
    await connect.forgetSession("s-0123456789ab");
    expect(fs.existsSync(folder)).toBe(false);
    expect(JSON.parse(fs.readFileSync(connect.files.pendingForgetFile, "utf8"))).toEqual(["s-0123456789ab"]);
    const single = connect.filesDir("");
    await connect.forgetSession("");
    expect(fs.existsSync(single)).toBe(true);
  });
});

describe("defaultFilesRoot", () => {
  it("is the run folder's files/ when nobody can pass through to it, the tmp folder otherwise", () => {
    const open = tempDir(0o755);
    expect(reachableByAll(open)).toBe(true);
    expect(defaultFilesRoot(path.join(open, "connect"), 32120, "/tmp")).toBe(path.join(open, "connect", "files"));
    const closed = tempDir(0o700);
    expect(reachableByAll(path.join(closed, "services", "connect"))).toBe(false);
    expect(defaultFilesRoot(path.join(closed, "services", "connect"), 32120, "/tmp")).toBe("/tmp/offset-connect-32120");
  });
});
