/**
 * The `postgres` companion service on a real server from Debian's package, on its own port and folders: it starts
 * (initdb on first use), answers, gives each classroom session a database and role of its own that no other session
 * can enter, holds a session to its connection limit and statement timeout, forgets a session, and leaves no
 * process behind when stopped.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canConnect } from "../../src/cluster/probe.ts";
import { servicePorts } from "../../src/services/ports.ts";
import { SESSION_CONNECTIONS, PostgresService, sessionDatabase } from "../../src/services/postgres/index.ts";
import { stopRecorded } from "../../src/services/process.ts";

const ports = servicePorts(Number(process.env.OFFSET_TEST_POSTGRES_PORT_BASE ?? 26900));
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-postgres-run-"));
const secret = crypto.randomBytes(16).toString("hex");
const service = new PostgresService({ runDir, ports, classroom: true, secret: () => secret });
const sessionA = "s-aaaaaaaaaaaa";
const sessionB = "s-bbbbbbbbbbbb";
const same = (address: string) => address;
const lines: string[] = [];
let startSeconds = 0;

/** A learner's client from the URL its runs get. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  await client.connect();
  return client;
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "accepted",
    (error: Error) => error.message,
  );

beforeAll(async () => {
  fs.rmSync(service.dataRoot, { recursive: true, force: true });
  const started = performance.now();
  await service.start((line) => lines.push(line));
  startSeconds = (performance.now() - started) / 1000;
}, 120_000);

afterAll(async () => {
  await service.stop(() => {});
  await stopRecorded(runDir);
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.rmSync(service.dataRoot, { recursive: true, force: true });
}, 60_000);

describe("the postgres service", () => {
  it("starts a fresh server with initdb and answers on loopback", async () => {
    expect(lines.some((line) => line.includes("initdb"))).toBe(true);
    expect(await service.ready()).toBe(true);
    expect(await canConnect(service.address, 2000)).toBe(true);
    const version = await service.admin((client) => client.query<{ server_version: string }>("show server_version"));
    expect(version.rows[0]!.server_version).toMatch(/^\d+\.\d+/);
    console.log(`[postgres] ready in ${startSeconds.toFixed(1)} s, server ${version.rows[0]!.server_version}`);
  });

  it("gives a session its own database, where it creates, upserts and queries", async () => {
    const env = await service.sessionEnv(sessionA, same);
    expect(env.LAB_PG_URL).toBe(`postgres://${sessionA}:${sessionDatabase(sessionA, secret).password}@${service.address}/${sessionA}`);
    const client = await connect(env.LAB_PG_URL!);
    try {
      await client.query("create table orders (id text primary key, version int, status text)");
      const upsert = `insert into orders values ($1, $2, $3)
        on conflict (id) do update set version = excluded.version, status = excluded.status where orders.version < excluded.version`;
      expect((await client.query(upsert, ["o-1", 2, "paid"])).rowCount).toBe(1);
      expect((await client.query(upsert, ["o-1", 1, "created"])).rowCount).toBe(0);
      expect((await client.query("select status from orders")).rows).toEqual([{ status: "paid" }]);
      const who = await client.query<{ current_user: string; current_database: string }>("select current_user, current_database()");
      expect(who.rows[0]).toEqual({ current_user: sessionA, current_database: sessionA });
    } finally {
      await client.end();
    }
  });

  it("keeps another session out of that database, and out of the administrator's", async () => {
    const a = await service.sessionEnv(sessionA, same);
    const b = await service.sessionEnv(sessionB, same);
    const intoA = b.LAB_PG_URL!.replace(new RegExp(`/${sessionB}$`), `/${sessionA}`);
    expect(await refusal(connect(intoA))).toMatch(/no pg_hba\.conf entry|not permitted|permission denied/);
    const intoPostgres = b.LAB_PG_URL!.replace(new RegExp(`/${sessionB}$`), "/postgres");
    expect(await refusal(connect(intoPostgres))).toMatch(/no pg_hba\.conf entry/);
    const asAdmin = `postgres://postgres:${encodeURIComponent("guess")}@${service.address}/postgres`;
    expect(await refusal(connect(asAdmin))).toMatch(/pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "postgres"/);
    const wrongPassword = a.LAB_PG_URL!.replace(sessionDatabase(sessionA, secret).password, "wrong");
    expect(await refusal(connect(wrongPassword))).toMatch(/password authentication failed/);
  });

  it("holds a session to its connection limit and statement timeout", async () => {
    const { LAB_PG_URL: url } = await service.sessionEnv(sessionA, same);
    const clients = await Promise.all(Array.from({ length: SESSION_CONNECTIONS }, () => connect(url!)));
    try {
      expect(await refusal(connect(url!))).toMatch(/too many connections for role/);
      expect(await refusal(clients[0]!.query("select pg_sleep(30)"))).toMatch(/statement timeout/);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  }, 60_000);

  it("forgets a session: its database and role go", async () => {
    await service.sessionEnv(sessionB, same);
    await service.forgetSession(sessionB);
    const left = await service.admin((client) =>
      client.query(
        "select (select count(*) from pg_database where datname = $1)::int + (select count(*) from pg_roles where rolname = $1)::int as n",
        [sessionB],
      ),
    );
    expect(left.rows[0]).toEqual({ n: 0 });
  });

  it("keeps a session's data over a restart, and stops leaving no process behind", async () => {
    const pid = service.pids()[0]!;
    const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    console.log(`[postgres] postmaster VmRSS ${(rss / 1024).toFixed(0)} MiB`);
    // Its data is outside the run folder, so its environment names the folder: leftover checks find it by that.
    expect(fs.readFileSync(`/proc/${pid}/environ`, "utf8")).toContain(`OFFSET_SERVICE_RUN_DIR=${runDir}`);
    await service.stop(() => {});
    expect(service.pids()).toEqual([]);
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
    expect(await canConnect(service.address, 1000)).toBe(false);
    await service.start(() => {});
    const client = await connect((await service.sessionEnv(sessionA, same)).LAB_PG_URL!);
    try {
      expect((await client.query("select status from orders")).rows).toEqual([{ status: "paid" }]);
    } finally {
      await client.end();
    }
    await service.stop(() => {});
    expect(service.pids()).toEqual([]);
  }, 60_000);
});
