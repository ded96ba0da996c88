import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { servicePorts } from "../ports.ts";
import {
  ADMIN_USER,
  NODE_MARK,
  adminPassword,
  amqpUrl,
  epmdArgs,
  layout,
  nodeName,
  passwordHash,
  renderDefinitions,
  renderEnabledPlugins,
  renderRabbitConf,
  serverEnv,
  sessionLogin,
} from "./config.ts";
import { RabbitMqService } from "./index.ts";
import { PendingForgets, descendants } from "./procs.ts";

const ports = servicePorts(32100);
const files = layout("/home/me/.offset/services-32100/rabbitmq");
const hmac = (secret: string, message: string) => crypto.createHmac("sha256", secret).update(message).digest("hex");

describe("rabbitmq.conf", () => {
  const conf = renderRabbitConf(ports, files);
  const settings = Object.fromEntries(
    conf
      .split("\n")
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => line.split(" = ") as [string, string]),
  );

  it("puts every listener on loopback, on the layout's ports", () => {
    expect(settings["listeners.tcp.default"]).toBe(`127.0.0.1:${ports.amqp}`);
    expect(settings["stream.listeners.tcp.1"]).toBe(`127.0.0.1:${ports.rabbitStream}`);
    expect(settings["stream.advertised_host"]).toBe("127.0.0.1");
    expect(settings["management.tcp.ip"]).toBe("127.0.0.1");
    expect(settings["management.tcp.port"]).toBe(String(ports.rabbitManagement));
    expect(settings["listeners.ssl"]).toBe("none");
  });

  it("loads the definitions file, logs to standard output without colours, and caps memory", () => {
    expect(settings.load_definitions).toBe(files.definitionsFile);
    expect(settings["log.file"]).toBe("false");
    expect(settings["log.console"]).toBe("true");
    // RabbitMQ's schema takes on/off here, not true/false (a boot failure otherwise).
    expect(settings["log.console.use_colors"]).toBe("off");
    expect(settings["vm_memory_high_watermark.absolute"]).toMatch(/^\d+MiB$/);
  });

  it("enables the stream and management plugins", () => {
    expect(renderEnabledPlugins()).toBe("[rabbitmq_stream,rabbitmq_management].\n");
  });
});

describe("the start script's environment", () => {
  const env = serverEnv(ports, files);

  it("names a node per AMQP port and keeps every file in the run folder", () => {
    expect(nodeName(ports)).toBe(`offset-${ports.amqp}@localhost`);
    expect(env.RABBITMQ_NODENAME).toBe(nodeName(ports));
    for (const key of [
      "HOME",
      "RABBITMQ_MNESIA_BASE",
      "RABBITMQ_LOG_BASE",
      "RABBITMQ_CONFIG_FILE",
      "RABBITMQ_ADVANCED_CONFIG_FILE",
      "RABBITMQ_ENABLED_PLUGINS_FILE",
      "RABBITMQ_CONF_ENV_FILE",
      "ERL_CRASH_DUMP",
    ]) {
      expect(env[key], key).toMatch(new RegExp(`^${files.runDir}/`));
    }
  });

  it("binds the node, its distribution port and epmd to loopback", () => {
    expect(env.RABBITMQ_NODE_IP_ADDRESS).toBe("127.0.0.1");
    expect(env.RABBITMQ_NODE_PORT).toBe(String(ports.amqp));
    expect(env.RABBITMQ_DIST_PORT).toBe(String(ports.rabbitDist));
    expect(env.ERL_EPMD_PORT).toBe(String(ports.epmd));
    expect(env.ERL_EPMD_ADDRESS).toBe("127.0.0.1");
    expect(env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toContain("-kernel inet_dist_use_interface {127,0,0,1}");
    expect(epmdArgs(ports)).toEqual(["-port", String(ports.epmd), "-address", "127.0.0.1"]);
  });

  it("makes the script exec the node (no input read), with the course's own epmd", () => {
    expect(env.RABBITMQ_ALLOW_INPUT).toBe("true");
    expect(env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toContain("-noinput");
    expect(env.RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS).toContain("-start_epmd false");
  });
});

describe("logins", () => {
  it("stores the administrator's password as RabbitMQ's salted SHA-256", () => {
    const salt = Buffer.from("0a0b0c0d", "hex");
    const expected = Buffer.concat([
      salt,
      crypto
        .createHash("sha256")
        .update(Buffer.concat([salt, Buffer.from("pw")]))
        .digest(),
    ]).toString("base64");
    expect(passwordHash("pw", salt)).toBe(expected);
    const definitions = JSON.parse(renderDefinitions("pw", salt)) as {
      users: { name: string; password_hash: string; hashing_algorithm: string; tags: string[] }[];
      permissions: { user: string; vhost: string }[];
    };
    expect(definitions.users).toEqual([
      { name: ADMIN_USER, password_hash: expected, hashing_algorithm: "rabbit_password_hashing_sha256", tags: ["administrator"] },
    ]);
    expect(definitions.permissions.map((p) => [p.user, p.vhost])).toEqual([[ADMIN_USER, "/"]]);
  });

  it("derives passwords from the secret: the admin's apart from every session's", () => {
    expect(adminPassword("k")).toBe(hmac("k", "rabbitmq-admin"));
    expect(sessionLogin("s-0123456789ab", "k")).toEqual({
      vhost: "s-0123456789ab",
      user: "s-0123456789ab",
      password: hmac("k", "rabbitmq:s-0123456789ab"),
    });
    expect(sessionLogin("", "k")).toEqual({ vhost: "offset", user: "learner", password: hmac("k", "rabbitmq:") });
    expect(sessionLogin("s-0123456789ab", "other").password).not.toBe(sessionLogin("s-0123456789ab", "k").password);
  });

  it("refuses session names that cannot be a vhost, or that are the administrator's", () => {
    for (const bad of ["a/b", "x y", ".hidden", ADMIN_USER, "a".repeat(65)]) expect(() => sessionLogin(bad, "k"), bad).toThrow();
  });

  it("builds the AMQP URL with the vhost as its path", () => {
    const login = { vhost: "s-0123456789ab", user: "s-0123456789ab", password: "p@ss" };
    expect(amqpUrl(login, "10.0.2.2:4000")).toBe("amqp://s-0123456789ab:p%40ss@10.0.2.2:4000/s-0123456789ab");
    expect(amqpUrl({ ...login, vhost: "/" }, "h:1")).toMatch(/@h:1\/%2F$/);
  });
});

describe("the service", () => {
  const runDir = "/tmp/offset-unit/rabbitmq";
  const service = new RabbitMqService({ runDir, ports, classroom: true, secret: () => "k" });

  it("lists its ports, offers learners AMQP only, and fits the budget it declares", () => {
    expect(service.name).toBe("rabbitmq");
    expect(service.title).toBe("RabbitMQ 3.10");
    expect(service.install).toBe("Debian package rabbitmq-server (3.10)");
    expect([...service.ports].sort()).toEqual(
      [ports.amqp, ports.rabbitStream, ports.rabbitDist, ports.epmd, ports.rabbitManagement].sort(),
    );
    expect(service.endpoints()).toEqual([{ address: `127.0.0.1:${ports.amqp}` }]);
    expect(service.memoryMb).toBeGreaterThanOrEqual(160);
    expect(service.pids()).toEqual([]);
  });

  it("keeps its pid files directly in the run folder", () => {
    expect(path.dirname(service.logFile)).toBe(path.join(runDir, "logs"));
    expect(NODE_MARK).toMatch(/^-[a-z_]+$/);
  });

  it("refuses a classroom run without a session, and any run while down", async () => {
    await expect(service.sessionEnv("", (a) => a)).rejects.toThrow(/needs its session's own vhost/);
    await expect(service.sessionEnv("s-0123456789ab", (a) => a)).rejects.toThrow(/not running/);
  });
});

describe("sessions forgotten while down", () => {
  it("are kept in a file until removed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-rabbit-unit-"));
    try {
      const pending = new PendingForgets(path.join(dir, "forget.json"));
      expect(pending.list()).toEqual([]);
      pending.add("s-1");
      pending.add("s-2");
      pending.add("s-1");
      expect(new PendingForgets(path.join(dir, "forget.json")).list()).toEqual(["s-1", "s-2"]);
      pending.remove("s-1");
      pending.remove("s-2");
      expect(fs.existsSync(path.join(dir, "forget.json"))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("descendants", () => {
  it("finds a child process, and nothing under a process without children", async () => {
    const child = spawn("sleep", ["5"], { stdio: "ignore" });
    try {
      await new Promise((r) => child.once("spawn", r));
      expect(descendants(process.pid)).toContain(child.pid);
      expect(descendants(child.pid!)).toEqual([]);
    } finally {
      child.kill();
    }
  });
});
