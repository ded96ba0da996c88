/**
 * The `postgres` companion service: a private PostgreSQL server from Debian's package (lesson 17's database sink),
 * listening on loopback. The runner administers it as `postgres` over a unix socket only it can reach; learners
 * get TCP with a password. pg_hba.conf lets a login into the database of its own name and nowhere else, so in
 * classroom mode each session has a database and a role of its own (named after the session), and one learner
 * alone gets `learner`/`learner`.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { ServicePorts } from "../ports.ts";
import { ManagedProcess } from "../process.ts";
import { derivePassword } from "../rabbitmq/config.ts";
import { ServiceError, type InsideAddress, type LearnerEndpoint, type Progress, type Service } from "../types.ts";

export interface PostgresOptions {
  /** This service's run folder (<OFFSET_HOME>/services…/postgres): pid files and logs. */
  runDir: string;
  ports: ServicePorts;
  /** COURSE_MODE=classroom: one database and role per session. */
  classroom: boolean;
  /** The runner's secret: the sessions' passwords are derived from it. */
  secret: () => string;
  /** Where Debian installs PostgreSQL (tests may point elsewhere). */
  installRoot?: string;
}

const INSTALL_ROOT = "/usr/lib/postgresql";
/** Measured: initdb 1.1 s, the server answers 0.2 s after it starts. */
const READY_TIMEOUT_MS = 60_000;
/** Measured VmRSS: the postmaster 29 MiB, with its background workers 64 MiB; sessions' backends add a few each. */
const MEMORY_MB = 96;
/** What one session may hold open at once, and how long one statement may run. */
export const SESSION_CONNECTIONS = 5;
export const STATEMENT_TIMEOUT = "15s";
const SINGLE_NAME = "learner";
const SESSION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Where the server keeps its data and socket: outside OFFSET_HOME, which may sit in a home folder the `postgres`
 * user cannot enter. One folder per port, so two courses (or the test course beside one) never share it.
 */
export function postgresDataRoot(port: number): string {
  return path.join(os.tmpdir(), `offset-postgres-${port}`);
}

/** The newest PostgreSQL under `root` (Debian keeps one folder per major version), or undefined. */
export function findPostgres(root = INSTALL_ROOT): { version: string; bin: string } | undefined {
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && fs.existsSync(path.join(root, name, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? { version: versions[0], bin: path.join(root, versions[0], "bin") } : undefined;
}

/** A session's database and role (the same name), and its password. */
export interface SessionDatabase {
  name: string;
  password: string;
}

export function sessionDatabase(labSession: string, secret: string): SessionDatabase {
  if (labSession !== "" && (!SESSION_NAME.test(labSession) || labSession === "postgres")) {
    throw new Error(`"${labSession}" cannot name a PostgreSQL database and role`);
  }
  return { name: labSession || SINGLE_NAME, password: derivePassword(secret, `postgres:${labSession}`) };
}

/** The URL a run gets (for `new pg.Client(url)`); `hostPort` is the server's address as the run reaches it. */
export function postgresUrl(login: SessionDatabase, hostPort: string): string {
  return `postgres://${encodeURIComponent(login.name)}:${encodeURIComponent(login.password)}@${hostPort}/${encodeURIComponent(login.name)}`;
}

/**
 * The server's access rules: the runner over the socket (which only it can reach), a learner over TCP into the
 * database of its own name only, and the administrator never over TCP (`sameuser` would otherwise let it try).
 */
export const PG_HBA = `# Written by the course at each start.
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
host    all       postgres  127.0.0.1/32   reject
host    sameuser  all       127.0.0.1/32   scram-sha-256
`;

/** The server's settings, on its command line: loopback, small, and fast rather than crash-safe (lab data). */
export function serverArgs(data: string, socketDir: string, port: number): string[] {
  const settings: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: socketDir,
    unix_socket_permissions: "0700",
    hba_file: path.join(data, "pg_hba.conf"),
    max_connections: "60",
    shared_buffers: "16MB",
    password_encryption: "scram-sha-256",
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    logging_collector: "off",
    log_min_messages: "warning",
    log_connections: "off",
  };
  return ["-D", data, ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`])];
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

export class PostgresService implements Service {
  readonly name = "postgres" as const;
  readonly title: string;
  readonly install = "Debian package postgresql";
  readonly memoryMb = MEMORY_MB;
  readonly ports: readonly number[];
  /** The TCP listener, host:port, as the runner's host reaches it. */
  readonly address: string;
  /** Data and socket folders: outside OFFSET_HOME, which may sit in a home the `postgres` user cannot enter. */
  readonly dataRoot: string;
  private readonly options: PostgresOptions;
  private readonly found: { version: string; bin: string } | undefined;
  private readonly server: ManagedProcess | undefined;
  private readonly user: { uid: number; gid: number } | undefined;
  /** Sessions whose database exists on the server `sessionsOfPid`. */
  private readonly sessions = new Map<string, Promise<void>>();
  private sessionsOfPid: number | undefined;

  constructor(options: PostgresOptions) {
    this.options = options;
    this.found = findPostgres(options.installRoot);
    this.title = `PostgreSQL ${this.found?.version ?? ""}`.trim();
    this.ports = [options.ports.postgres];
    this.address = `127.0.0.1:${options.ports.postgres}`;
    this.dataRoot = postgresDataRoot(options.ports.postgres);
    // PostgreSQL refuses to run as root: a root runner starts it as Debian's `postgres` user.
    this.user = process.getuid?.() === 0 ? postgresUser() : undefined;
    this.server = this.found
      ? new ManagedProcess(options.runDir, {
          id: "postgres",
          command: path.join(this.found.bin, "postgres"),
          args: serverArgs(this.dataDir, this.socketDir, options.ports.postgres),
          needles: [this.dataDir],
          // Its data lives outside the run folder: this marks the process as the service's for leftover checks.
          env: { OFFSET_SERVICE_RUN_DIR: options.runDir },
          // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the server stops within a second.
          stopSignal: "SIGINT",
          graceMs: 20_000,
          ...(this.user ?? {}),
        })
      : undefined;
  }

  private get dataDir(): string {
    return path.join(this.dataRoot, "data");
  }

  private get socketDir(): string {
    return path.join(this.dataRoot, "socket");
  }

  ensureInstalled(_progress: Progress): Promise<void> {
    if (!this.found)
      return Promise.reject(
        new ServiceError(
          `PostgreSQL is not installed (nothing under ${INSTALL_ROOT}). Install Debian's package as root: apt-get install postgresql (the course starts its own server; the package's own can stay off).`,
        ),
      );
    if (process.getuid?.() === 0 && !this.user)
      return Promise.reject(
        new ServiceError(
          "PostgreSQL will not run as root, and this machine has no `postgres` user to run it as. Install Debian's postgresql package, which creates one.",
        ),
      );
    return Promise.resolve();
  }

  async start(progress: Progress): Promise<void> {
    if (await this.ready()) return;
    await this.ensureInstalled(progress);
    const server = this.server!;
    await server.stop();
    this.prepareFolders();
    if (!fs.existsSync(path.join(this.dataDir, "PG_VERSION"))) {
      progress(`${this.title}: creating the database cluster (initdb)`);
      await this.initdb();
    }
    fs.writeFileSync(path.join(this.dataDir, "pg_hba.conf"), PG_HBA, { mode: 0o600 });
    if (this.user) fs.chownSync(path.join(this.dataDir, "pg_hba.conf"), this.user.uid, this.user.gid);
    const logStart = server.logSize();
    server.start();
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await this.ready())) {
      if (!server.alive || Date.now() > deadline) {
        const tail = server.logSince(logStart).trim().split("\n").slice(-20).join("\n");
        await server.stop();
        throw new ServiceError(`${this.title} did not start${tail ? `:\n${tail}` : ""} (log: ${server.logFile})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(_progress: Progress): Promise<void> {
    this.sessions.clear();
    this.sessionsOfPid = undefined;
    await this.server?.stop();
  }

  async ready(): Promise<boolean> {
    if (!this.server?.alive) return false;
    try {
      await this.admin((client) => client.query("select 1"));
      return true;
    } catch {
      return false;
    }
  }

  pids(): number[] {
    const pid = this.server?.pid;
    return pid === undefined ? [] : [pid];
  }

  /** The server's log (its standard error). */
  get logFile(): string | undefined {
    return this.server?.logFile;
  }

  endpoints(): LearnerEndpoint[] {
    return [{ address: this.address }];
  }

  async sessionEnv(labSession: string, inside: InsideAddress): Promise<Record<string, string>> {
    if (this.options.classroom && labSession === "")
      throw new ServiceError("PostgreSQL: a classroom run needs its session's own database, and this run has no session.");
    const login = this.login(labSession);
    const pid = this.server?.pid;
    if (pid === undefined) throw new ServiceError(`${this.title} is not running.`);
    if (pid !== this.sessionsOfPid) {
      this.sessions.clear();
      this.sessionsOfPid = pid;
    }
    let made = this.sessions.get(login.name);
    if (!made) {
      made = this.ensureDatabase(login);
      this.sessions.set(login.name, made);
      made.catch(() => this.sessions.delete(login.name));
    }
    await made;
    return { LAB_PG_URL: postgresUrl(login, inside(this.address)) };
  }

  async forgetSession(labSession: string): Promise<void> {
    // The single learner's database is theirs for good; a server that is down is asked at its next use.
    if (labSession === "" || !(await this.ready())) return;
    const { name } = this.login(labSession);
    this.sessions.delete(name);
    await this.admin(async (client) => {
      await client.query(`drop database if exists ${quoteIdent(name)} with (force)`);
      await client.query(`drop role if exists ${quoteIdent(name)}`);
    });
  }

  /** Runs `work` with an administrator's connection over the socket, then closes it. */
  async admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({
      host: this.socketDir,
      port: this.options.ports.postgres,
      user: "postgres",
      database: "postgres",
      connectionTimeoutMillis: 5000,
    });
    client.on("error", () => {}); // A server that stops mid-query rejects the query; nothing else to report.
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => {});
    }
  }

  private login(labSession: string): SessionDatabase {
    try {
      return sessionDatabase(labSession, this.options.secret());
    } catch (error) {
      throw new ServiceError(`PostgreSQL: ${(error as Error).message}`);
    }
  }

  /** The session's role (created, or its password brought up to date) and a database it owns, closed to others. */
  private async ensureDatabase(login: SessionDatabase): Promise<void> {
    const role = quoteIdent(login.name);
    const limit = this.options.classroom ? SESSION_CONNECTIONS : -1;
    await this.admin(async (client) => {
      const exists = (await client.query("select 1 from pg_roles where rolname = $1", [login.name])).rowCount;
      await client.query(
        `${exists ? "alter" : "create"} role ${role} login password ${quoteLiteral(login.password)} connection limit ${limit}`,
      );
      await client.query(`alter role ${role} set statement_timeout = ${quoteLiteral(STATEMENT_TIMEOUT)}`);
      const database = (await client.query("select 1 from pg_database where datname = $1", [login.name])).rowCount;
      if (!database) await client.query(`create database ${role} owner ${role}`);
      await client.query(`revoke all on database ${role} from public`);
    });
  }

  private prepareFolders(): void {
    for (const dir of [this.dataRoot, this.dataDir, this.socketDir]) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      fs.chmodSync(dir, 0o700);
      if (this.user) fs.chownSync(dir, this.user.uid, this.user.gid);
    }
  }

  /** Creates the database cluster: UTF-8, the `postgres` superuser reachable over the socket only. */
  private initdb(): Promise<void> {
    const initdb = path.join(this.found!.bin, "initdb");
    const args = ["-D", this.dataDir, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=reject"];
    return new Promise((resolve, reject) => {
      execFile(
        initdb,
        args,
        { ...(this.user ?? {}), cwd: this.dataRoot, env: { PATH: "/usr/bin:/bin", LANG: "C" } },
        (error, _stdout, stderr) =>
          error
            ? reject(new ServiceError(`${this.title}: initdb failed: ${stderr.trim().split("\n").slice(-5).join("\n") || error.message}`))
            : resolve(),
      );
    });
  }
}

/** Debian's `postgres` user, or undefined when there is none. */
function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const line = fs
      .readFileSync("/etc/passwd", "utf8")
      .split("\n")
      .find((entry) => entry.startsWith("postgres:"));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(":");
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}
