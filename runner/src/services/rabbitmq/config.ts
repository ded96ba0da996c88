/**
 * What a private RabbitMQ node is made of: where its files live under the run folder, the configuration files
 * written before each start, the environment of its start script, and the names and passwords of the logins.
 * Everything here is pure, so it is unit-tested without a broker.
 */
import crypto from "node:crypto";
import path from "node:path";
import type { ServicePorts } from "../ports.ts";

/** Debian's rabbitmq-server package: the start script that runs the node as the calling user. */
export const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
/** Erlang's port mapper daemon (erlang-base, a dependency of rabbitmq-server). */
export const EPMD = "/usr/lib/erlang/bin/epmd";
export const PLUGINS = ["rabbitmq_stream", "rabbitmq_management"] as const;

/** The runner's own login: management API only, never handed to a run. */
export const ADMIN_USER = "offset-admin";
/** Single-learner mode: one vhost and one login. */
export const SINGLE_VHOST = "offset";
export const SINGLE_USER = "learner";

/** Per-vhost limits in classroom mode, so one session cannot exhaust the broker. */
export const SESSION_LIMITS = { "max-queues": 50, "max-connections": 20 } as const;
/** Publishers are blocked above this much broker memory (RabbitMQ's memory alarm). */
export const MEMORY_HIGH_WATERMARK = "512MiB";

/**
 * The argument pair added to the start script's command line. The script hands it on to erl, which hands it on
 * to beam.smp, so every stage of the exec chain (sh, erl, erlexec, beam.smp) carries the run folder: that is how
 * a pid is recognised as this node. Erlang takes it as a plain init argument and ignores it.
 */
export const NODE_MARK = "-offset_rabbitmq";

export interface RabbitLayout {
  runDir: string;
  /** HOME of the node: its .erlang.cookie. */
  home: string;
  configDir: string;
  confFile: string;
  pluginsFile: string;
  definitionsFile: string;
  envFile: string;
  advancedFile: string;
  mnesiaBase: string;
  logBase: string;
  /** Sessions forgotten while the broker was down, removed at its next start. */
  pendingForgetFile: string;
}

export function layout(runDir: string): RabbitLayout {
  const configDir = path.join(runDir, "config");
  return {
    runDir,
    home: path.join(runDir, "home"),
    configDir,
    confFile: path.join(configDir, "rabbitmq.conf"),
    pluginsFile: path.join(configDir, "enabled_plugins"),
    definitionsFile: path.join(configDir, "definitions.json"),
    envFile: path.join(configDir, "rabbitmq-env.conf"),
    advancedFile: path.join(configDir, "advanced.config"),
    mnesiaBase: path.join(runDir, "mnesia"),
    logBase: path.join(runDir, "logs"),
    pendingForgetFile: path.join(runDir, "forget-sessions.json"),
  };
}

/** The Erlang node name: one per AMQP port, so two courses on one machine never share a node or its database. */
export function nodeName(ports: Pick<ServicePorts, "amqp">): string {
  return `offset-${ports.amqp}@localhost`;
}

export function renderRabbitConf(ports: ServicePorts, files: Pick<RabbitLayout, "definitionsFile">): string {
  return [
    "# Written by the course before each start; edits are overwritten.",
    "# Every listener is on loopback: learners' runs reach AMQP through the sandbox's bridge.",
    `listeners.tcp.default = 127.0.0.1:${ports.amqp}`,
    "listeners.ssl = none",
    `stream.listeners.tcp.1 = 127.0.0.1:${ports.rabbitStream}`,
    "stream.advertised_host = 127.0.0.1",
    `stream.advertised_port = ${ports.rabbitStream}`,
    "management.tcp.ip = 127.0.0.1",
    `management.tcp.port = ${ports.rabbitManagement}`,
    "# The runner's login; with definitions loaded, the node creates no guest user.",
    `load_definitions = ${files.definitionsFile}`,
    "loopback_users.guest = true",
    `vm_memory_high_watermark.absolute = ${MEMORY_HIGH_WATERMARK}`,
    "# The log goes to standard output, which the course keeps in logs/rabbitmq.log.",
    "log.file = false",
    "log.console = true",
    "log.console.level = info",
    "log.console.use_colors = off",
    "",
  ].join("\n");
}

export function renderEnabledPlugins(): string {
  return `[${PLUGINS.join(",")}].\n`;
}

/**
 * RabbitMQ's stored password form (rabbit_password_hashing_sha256): base64 of a 4-byte salt followed by
 * SHA-256(salt ++ password).
 */
export function passwordHash(password: string, salt: Buffer = crypto.randomBytes(4)): string {
  const digest = crypto
    .createHash("sha256")
    .update(Buffer.concat([salt, Buffer.from(password, "utf8")]))
    .digest();
  return Buffer.concat([salt, digest]).toString("base64");
}

/** Definitions imported at every boot: the runner's administrator, with rights on the default vhost only. */
export function renderDefinitions(adminPassword: string, salt?: Buffer): string {
  return `${JSON.stringify(
    {
      users: [
        {
          name: ADMIN_USER,
          password_hash: passwordHash(adminPassword, salt),
          hashing_algorithm: "rabbit_password_hashing_sha256",
          tags: ["administrator"],
        },
      ],
      vhosts: [{ name: "/" }],
      permissions: [{ user: ADMIN_USER, vhost: "/", configure: ".*", write: ".*", read: ".*" }],
    },
    null,
    2,
  )}\n`;
}

/** The start script's environment (ManagedProcess adds PATH and LANG). */
export function serverEnv(ports: ServicePorts, files: RabbitLayout): Record<string, string> {
  return {
    PATH: "/usr/lib/rabbitmq/bin:/usr/bin:/bin",
    HOME: files.home,
    RABBITMQ_NODENAME: nodeName(ports),
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(ports.amqp),
    RABBITMQ_DIST_PORT: String(ports.rabbitDist),
    ERL_EPMD_PORT: String(ports.epmd),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    RABBITMQ_MNESIA_BASE: files.mnesiaBase,
    RABBITMQ_LOG_BASE: files.logBase,
    RABBITMQ_CONFIG_FILE: files.confFile,
    RABBITMQ_ADVANCED_CONFIG_FILE: files.advancedFile,
    RABBITMQ_ENABLED_PLUGINS_FILE: files.pluginsFile,
    RABBITMQ_CONF_ENV_FILE: files.envFile,
    ERL_CRASH_DUMP: path.join(files.logBase, "erl_crash.dump"),
    // The script then execs erl (which execs beam.smp) instead of waiting on it in a subshell, so the pid the
    // course spawns is the node's own; -noinput below keeps the node from reading its standard input.
    RABBITMQ_ALLOW_INPUT: "true",
    // epmd is the course's own process (see epmdArgs); the distribution port listens on loopback only.
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-noinput -start_epmd false -kernel inet_dist_use_interface {127,0,0,1}",
  };
}

/** epmd in the foreground, on loopback, with its port on its command line (how its pid is recognised). */
export function epmdArgs(ports: Pick<ServicePorts, "epmd">): string[] {
  return ["-port", String(ports.epmd), "-address", "127.0.0.1"];
}

/** HMAC-SHA256(secret, message) in hex: passwords are derived, never stored. */
export function derivePassword(secret: string, message: string): string {
  return crypto.createHmac("sha256", secret).update(message).digest("hex");
}

export function adminPassword(secret: string): string {
  return derivePassword(secret, "rabbitmq-admin");
}

export interface SessionLogin {
  vhost: string;
  user: string;
  password: string;
}

const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A session's vhost and login: its own name for both in classroom mode, "offset"/"learner" for a single learner. */
export function sessionLogin(labSession: string, secret: string): SessionLogin {
  if (labSession !== "" && (!SESSION_NAME.test(labSession) || labSession === ADMIN_USER)) {
    throw new Error(`"${labSession}" cannot name a RabbitMQ vhost and user`);
  }
  return {
    vhost: labSession || SINGLE_VHOST,
    user: labSession || SINGLE_USER,
    password: derivePassword(secret, `rabbitmq:${labSession}`),
  };
}

/** The AMQP URL a run gets; `hostPort` is the broker's address as the run reaches it. */
export function amqpUrl(login: SessionLogin, hostPort: string): string {
  return `amqp://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@${hostPort}/${encodeURIComponent(login.vhost)}`;
}
