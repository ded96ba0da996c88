import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterEach, describe, expect, it } from "vitest";
import { FakeDocker, type ContainerIo } from "../cluster/fake-docker.ts";
import type { KafkaEvent } from "../protocol/index.ts";
import { DOCKER_PYTHON, DockerEngine, SANDBOX_IMAGE, dockerEngineAvailable } from "./docker-engine.ts";
import { EVENT_PREFIX } from "./output.ts";
import type { ExecSpec, RunLimits } from "./types.ts";
import { EngineUnavailableError } from "./types.ts";

const limits: RunLimits = { timeoutMs: 5000, outputBytes: 10_000, memoryMb: 256, maxProcesses: 64 };
let fake: FakeDocker | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A fake engine whose sandbox containers run `program` on the input they receive. */
async function setup(program: (code: string, io: ContainerIo) => void): Promise<{ fake: FakeDocker; engine: DockerEngine }> {
  fake = await FakeDocker.start({ onInput: (input, io) => program(input.slice(input.indexOf("\n") + 1), io) });
  fake.images.add(SANDBOX_IMAGE);
  fake.networks.set("offset-lab", { Name: "offset-lab", Internal: true });
  return { fake, engine: new DockerEngine({ docker: fake.docker, killGraceMs: 500 }) };
}

interface Captured {
  stdout: string;
  stderr: string;
  events: KafkaEvent[];
}

function spec(code: string, overrides: Partial<ExecSpec> = {}): { spec: ExecSpec; out: Captured } {
  const out: Captured = { stdout: "", stderr: "", events: [] };
  return {
    out,
    spec: {
      code,
      env: { LAB_BROKERS: "kafka-1:9092,kafka-2:9092,kafka-3:9092", LAB_SESSION: "s1" },
      limits,
      signal: new AbortController().signal,
      onStdout: (text) => (out.stdout += text),
      onStderr: (text) => (out.stderr += text),
      onKafkaEvent: (event) => out.events.push(event),
      ...overrides,
    },
  };
}

describe("DockerEngine container", () => {
  it("is locked down: read-only root, no capabilities, no new privileges, non-root, limits, lab network only", async () => {
    const { fake, engine } = await setup((_code, io) => io.exit(0));
    await engine.exec(spec("").spec);
    const create = fake.calls("POST", /^\/containers\/create$/)[0]!.body as Docker.ContainerCreateOptions;
    expect(create.Image).toBe(SANDBOX_IMAGE);
    expect(create.User).toBe("1000:1000");
    expect(create.HostConfig).toMatchObject({
      NetworkMode: "offset-lab",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true"],
      PidsLimit: 64,
      Memory: 256 * 1024 * 1024,
      MemorySwap: 256 * 1024 * 1024,
      NanoCpus: 1_000_000_000,
      Binds: [],
    });
    expect(Object.keys(create.HostConfig?.Tmpfs ?? {})).toEqual(["/tmp", "/opt/offset/runtime/work"]);
    expect(create.HostConfig?.Privileged).toBeUndefined();
    expect(create.Env).toEqual(
      expect.arrayContaining(["LAB_BROKERS=kafka-1:9092,kafka-2:9092,kafka-3:9092", "LAB_SESSION=s1", "HOME=/tmp"]),
    );
    // Nothing from the runner's own environment leaks in.
    expect(create.Env?.some((entry) => entry.startsWith("PATH="))).toBe(false);
    expect(create.Cmd).toContain("--max-old-space-size=192");
  });

  it("gives a Python run the interpreter and packages the run image holds", async () => {
    const { fake, engine } = await setup((_code, io) => io.exit(0));
    await engine.exec(spec("", { python: true }).spec);
    const create = fake.calls("POST", /^\/containers\/create$/)[0]!.body as Docker.ContainerCreateOptions;
    expect(create.Env).toEqual(
      expect.arrayContaining([`LAB_PYTHON=${DOCKER_PYTHON.LAB_PYTHON}`, `LAB_PYTHON_PATH=${DOCKER_PYTHON.LAB_PYTHON_PATH}`]),
    );
    // The image is built to match: every folder on the path is one the Dockerfile fills.
    const dockerfile = fs.readFileSync(path.resolve(import.meta.dirname, "../../../compose/sandbox.Dockerfile"), "utf8");
    for (const folder of DOCKER_PYTHON.LAB_PYTHON_PATH.split(":")) expect(dockerfile).toContain(folder);
    expect(dockerfile).toContain("runner/python/requirements.txt");
  });

  it("mounts a host runtime read-only when asked", () => {
    const engine = new DockerEngine({ mountRuntime: { nodeModules: "/rt/node_modules", bootstrap: "/rt/bootstrap.mjs" } });
    expect(engine.createOptions(spec("").spec).HostConfig?.Binds).toEqual([
      "/rt/node_modules:/opt/offset/runtime/node_modules:ro",
      "/rt/bootstrap.mjs:/opt/offset/runtime/bootstrap.mjs:ro",
    ]);
  });

  it("gives runs the brokers' names on the lab network", () => {
    expect(new DockerEngine({}).brokersFor()).toEqual(["kafka-1:9092", "kafka-2:9092", "kafka-3:9092"]);
  });
});

describe("DockerEngine runs", () => {
  it("sends header and code on stdin, streams stdout, stderr and lab events, then removes the container", async () => {
    let input = "";
    const { fake, engine } = await setup((code, io) => {
      input = code;
      io.stdout("hello ");
      io.stdout(`world\n${EVENT_PREFIX}${JSON.stringify({ type: "produced", topic: "t", partition: 0, offset: "7" })}\n`);
      io.stderr("careful\n");
      io.exit(0);
    });
    const { spec: s, out } = spec("console.log('hi')");
    const result = await engine.exec(s);
    expect(input).toBe("console.log('hi')");
    expect(result).toMatchObject({ exitCode: 0, reason: "ok" });
    expect(out).toEqual({
      stdout: "hello world\n",
      stderr: "careful\n",
      events: [{ type: "produced", topic: "t", partition: 0, offset: "7" }],
    });
    expect(fake.containers.size).toBe(0);
    expect(fake.calls("DELETE", /^\/containers\//)[0]?.query.get("force")).toBe("true");
  });

  it("reports a non-zero exit as an error with its code", async () => {
    const { engine } = await setup((_code, io) => io.exit(1));
    expect(await engine.exec(spec("throw 1").spec)).toMatchObject({ exitCode: 1, reason: "error" });
  });

  it("reports an OOM-killed run as killed", async () => {
    const { engine } = await setup((_code, io) => io.exit(137, { oomKilled: true }));
    expect(await engine.exec(spec("").spec)).toMatchObject({ exitCode: 137, reason: "killed" });
  });

  it("kills and removes a run that outlives the wall clock", async () => {
    const { fake, engine } = await setup((_code, io) => io.stdout("started\n"));
    const { spec: s, out } = spec("for(;;);", { limits: { ...limits, timeoutMs: 300 } });
    const result = await engine.exec(s);
    expect(result.reason).toBe("timeout");
    expect(result.durationMs).toBeGreaterThanOrEqual(300);
    expect(out.stdout).toBe("started\n");
    expect(fake.calls("POST", /\/kill$/)).toHaveLength(1);
    expect(fake.containers.size).toBe(0);
  });

  it("cancels a run when its signal aborts, and removes the container", async () => {
    const { fake, engine } = await setup(() => {});
    const controller = new AbortController();
    const running = engine.exec(spec("await never", { signal: controller.signal }).spec);
    setTimeout(() => controller.abort(), 150);
    expect((await running).reason).toBe("cancelled");
    expect(fake.containers.size).toBe(0);
  });

  it("does not start a run whose signal has already aborted", async () => {
    const { fake, engine } = await setup(() => {});
    const controller = new AbortController();
    controller.abort();
    expect((await engine.exec(spec("", { signal: controller.signal }).spec)).reason).toBe("cancelled");
    expect(fake.calls("POST", /^\/containers\/create$/)).toHaveLength(0);
  });

  it("stops a run at the output cap and forwards no more than the cap", async () => {
    const { fake, engine } = await setup((_code, io) => {
      for (let i = 0; i < 50; i++) io.stdout(`${"x".repeat(99)}\n`);
    });
    const { spec: s, out } = spec("flood", { limits: { ...limits, outputBytes: 1000 } });
    expect((await engine.exec(s)).reason).toBe("output-limit");
    expect(out.stdout.length).toBeLessThanOrEqual(1000);
    expect(fake.containers.size).toBe(0);
  });

  // The hostile output cases of runner/test/hostile, against the Docker engine's path through the one supervisor.
  it("counts lab event lines against the output cap, so an endless stream of valid events is stopped too", async () => {
    const event = `${EVENT_PREFIX}${JSON.stringify({ type: "produced", topic: "t", partition: 0, offset: "1" })}\n`;
    const { fake, engine } = await setup((_code, io) => {
      for (let i = 0; i < 200; i++) io.stdout(event);
    });
    const { spec: s, out } = spec("flood events", { limits: { ...limits, outputBytes: 2000 } });
    expect((await engine.exec(s)).reason).toBe("output-limit");
    expect(out.events.length * event.length).toBeLessThanOrEqual(2000);
    expect(fake.containers.size).toBe(0);
  });

  it("relays no output and no event once the run has been stopped", async () => {
    const { engine } = await setup((_code, io) => {
      io.stdout("before\n");
      setTimeout(() => {
        io.stdout(`after\n${EVENT_PREFIX}${JSON.stringify({ type: "produced", topic: "t", partition: 0, offset: "2" })}\n`);
        io.stderr("late\n");
      }, 400);
    });
    const { spec: s, out } = spec("slow", { limits: { ...limits, timeoutMs: 200 } });
    expect((await engine.exec(s)).reason).toBe("timeout");
    await new Promise((r) => setTimeout(r, 500));
    expect(out).toEqual({ stdout: "before\n", stderr: "", events: [] });
  });

  it("turns a missing image into a run error that says why", async () => {
    const { fake, engine } = await setup(() => {});
    fake.images.clear();
    const { spec: s, out } = spec("");
    expect(await engine.exec(s)).toMatchObject({ exitCode: null, reason: "error" });
    expect(out.stderr).toBe(`The run could not start: No such image: ${SANDBOX_IMAGE}\n`);
  });

  it("close() removes runs still in flight", async () => {
    const { fake, engine } = await setup(() => {});
    const running = engine.exec(spec("await never").spec);
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.containers.size).toBe(1);
    await engine.close();
    expect(fake.containers.size).toBe(0);
    expect((await running).reason).toBe("killed");
  });
});

describe("DockerEngine availability", () => {
  const nowhere = () => new Docker({ socketPath: path.join(os.tmpdir(), "offset-no-such-docker.sock") });

  it("dockerEngineAvailable follows the engine's ping", async () => {
    fake = await FakeDocker.start();
    expect(await dockerEngineAvailable(fake.docker)).toBe(true);
    expect(await dockerEngineAvailable(nowhere())).toBe(false);
  });

  it("check() names what is missing and how to fix it", async () => {
    await expect(new DockerEngine({ docker: nowhere() }).check()).rejects.toThrow(/No Docker engine answers .* Start Docker/);
    fake = await FakeDocker.start();
    const engine = new DockerEngine({ docker: fake.docker });
    await expect(engine.check()).rejects.toThrow(EngineUnavailableError);
    await expect(engine.check()).rejects.toThrow("docker build -f compose/sandbox.Dockerfile -t offset-sandbox:latest .");
    fake.images.add(SANDBOX_IMAGE);
    await expect(engine.check()).rejects.toThrow(/network offset-lab does not exist/);
    fake.networks.set("offset-lab", { Name: "offset-lab", Internal: true });
    await expect(engine.check()).resolves.toBeUndefined();
  });
});

describe("DockerEngine and companion services", () => {
  /** A fake engine whose runs record the networks their container is on while it runs. */
  async function withNetworks(): Promise<{ fake: FakeDocker; engine: DockerEngine; seen: Array<Set<string>> }> {
    const seen: Array<Set<string>> = [];
    const { fake, engine } = await setup(() => {});
    fake.behaviour.onInput = (_input, io, container) => {
      seen.push(new Set(container.networks));
      io.exit(0);
    };
    for (const name of ["offset-svc-rabbitmq", "offset-svc-zk-kafka"]) fake.networks.set(name, { Name: name, Internal: true });
    return { fake, engine, seen };
  }

  it("a run whose lesson needs rabbitmq joins offset-svc-rabbitmq as well as the lab network", async () => {
    const { fake, engine, seen } = await withNetworks();
    expect(await engine.exec(spec("", { services: ["rabbitmq"] }).spec)).toMatchObject({ reason: "ok" });
    expect(seen).toEqual([new Set(["offset-lab", "offset-svc-rabbitmq"])]);
    // Joined before the run started, and the container left no trace.
    const connect = fake.requests.findIndex((r) => r.path === "/networks/offset-svc-rabbitmq/connect");
    const start = fake.requests.findIndex((r) => /^\/containers\/[^/]+\/start$/.test(r.path));
    expect(connect).toBeGreaterThan(-1);
    expect(connect).toBeLessThan(start);
    expect(fake.containers.size).toBe(0);
  });

  it("a run that names no service joins the lab network only", async () => {
    const { fake, engine, seen } = await withNetworks();
    await engine.exec(spec("").spec);
    await engine.exec(spec("", { services: [] }).spec);
    expect(seen).toEqual([new Set(["offset-lab"]), new Set(["offset-lab"])]);
    expect(fake.calls("POST", /^\/networks\/.*\/connect$/)).toHaveLength(0);
  });

  it("a run that needs two services joins both networks", async () => {
    const { engine, seen } = await withNetworks();
    await engine.exec(spec("", { services: ["zk-kafka", "rabbitmq", "zk-kafka"] }).spec);
    expect(seen).toEqual([new Set(["offset-lab", "offset-svc-zk-kafka", "offset-svc-rabbitmq"])]);
  });

  it("a run whose service network is gone ends with an error that names the service, and is removed", async () => {
    const { fake, engine, seen } = await withNetworks();
    fake.networks.delete("offset-svc-rabbitmq");
    const { spec: s, out } = spec("", { services: ["rabbitmq"] });
    expect(await engine.exec(s)).toMatchObject({ exitCode: null, reason: "error" });
    expect(out.stderr).toMatch(/^The run could not reach rabbitmq: /);
    expect(seen).toEqual([]);
    expect(fake.containers.size).toBe(0);
  });

  it("serviceAddresses maps the services' host addresses to their containers' names on the service network", async () => {
    const { engine } = await withNetworks();
    const zk = await engine.serviceAddresses("zk-kafka", [
      { address: "127.0.0.1:32101" },
      { address: "127.0.0.1:32100", gate: "zookeeper-read-only" },
    ]);
    expect(zk("127.0.0.1:32101")).toBe("zk-broker-1:9092");
    expect(zk("127.0.0.1:32106")).toBe("zk-broker-3:9094");
    // ZooKeeper is the read-only gate's name, never the server's.
    expect(zk("127.0.0.1:32100")).toBe("zookeeper:2181");
    const rabbit = await engine.serviceAddresses("rabbitmq", [{ address: "127.0.0.1:32110" }]);
    expect(rabbit("127.0.0.1:32110")).toBe("rabbitmq:5672");
  });

  it("serviceAddresses follows SERVICES_PORT", async () => {
    const { fake } = await withNetworks();
    const engine = new DockerEngine({ docker: fake.docker, servicesPort: 40000 });
    const rabbit = await engine.serviceAddresses("rabbitmq", [{ address: "127.0.0.1:40010" }]);
    expect(rabbit("127.0.0.1:40010")).toBe("rabbitmq:5672");
    await expect(engine.serviceAddresses("rabbitmq", [{ address: "127.0.0.1:32110" }])).rejects.toThrow(/SERVICES_PORT/);
  });

  it("serviceAddresses refuses a service that does not run in Docker, and a gate it cannot apply", async () => {
    const { fake, engine } = await withNetworks();
    await expect(engine.serviceAddresses("rabbitmq", [{ address: "127.0.0.1:32110", gate: "zookeeper-read-only" }])).rejects.toThrow(
      /no zookeeper-read-only gate/,
    );
    fake.networks.delete("offset-svc-zk-kafka");
    await expect(engine.serviceAddresses("zk-kafka", [{ address: "127.0.0.1:32101" }])).rejects.toThrow(
      /network offset-svc-zk-kafka does not exist.*KAFKA_MODE=docker/,
    );
  });
});
