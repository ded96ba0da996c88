import { describe, expect, it } from "vitest";
import { sessionClients } from "./index.ts";
import {
  checkConfig,
  checkName,
  filterConnectorList,
  hideSessionLogin,
  route,
  withSessionClients,
  withoutSessionClients,
  type SessionScope,
} from "./policy.ts";

const scope: SessionScope = { prefix: "s-0123456789ab.", workerFiles: "/connect-files/f00", maxConnectors: 10 };
const single: SessionScope = { prefix: "", workerFiles: "/connect-files/f11" };

/** A configuration with `extra` on top; an undefined value removes the setting, as JSON would. */
const config = (defaults: Record<string, unknown>, extra: Record<string, unknown>) =>
  Object.fromEntries(Object.entries({ ...defaults, ...extra }).filter(([, value]) => value !== undefined));
const source = (extra: Record<string, unknown> = {}) =>
  config({ "connector.class": "FileStreamSource", file: "/connect-files/f00/in.txt", topic: "s-0123456789ab.lines" }, extra);
const sink = (extra: Record<string, unknown> = {}) =>
  config(
    {
      "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
      file: "/connect-files/f00/out.txt",
      topics: "s-0123456789ab.lines",
    },
    extra,
  );
const refusal = (config: unknown, s = scope, name?: string) => checkConfig(s, config, name)?.message;

describe("checkConfig", () => {
  it("accepts FileStream connectors on the session's files and topics, by full or short class name", () => {
    expect(refusal(source())).toBeUndefined();
    expect(
      refusal(source({ "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector", "tasks.max": 1 })),
    ).toBeUndefined();
    expect(refusal(sink({ "connector.class": "FileStreamSink" }))).toBeUndefined();
    expect(refusal(sink({ topics: undefined, "topics.regex": "s-0123456789ab\\.lines-.*" }))).toBeUndefined();
    expect(refusal(sink({ "value.converter": "StringConverter", "value.converter.schemas.enable": "false" }))).toBeUndefined();
    expect(
      refusal(
        source({
          transforms: "tag",
          "transforms.tag.type": "org.apache.kafka.connect.transforms.InsertField$Value",
          "transforms.tag.static.field": "src",
        }),
      ),
    ).toBeUndefined();
    expect(refusal(source({ name: "s-0123456789ab.src" }), scope, "s-0123456789ab.src")).toBeUndefined();
  });

  it("refuses files outside the session's folder, sub-folders and a missing file, saying where files go", () => {
    for (const file of [
      "/etc/passwd",
      "/connect-files/f00/../f11/in.txt",
      "/connect-files/f00/sub/in.txt",
      "/connect-files/f00/..",
      "in.txt",
    ]) {
      expect(refusal(source({ file }))).toMatch(/outside your Connect folder.*\/connect-files\/f00\/in\.txt \(LAB_CONNECT_WORKER_FILES/);
    }
    expect(refusal(source({ file: undefined }))).toMatch(/Set "file"/);
    expect(refusal(sink({ file: "" }))).toMatch(/Set "file"/);
  });

  it("refuses topics without the session's prefix, Kafka's own topics and patterns that could match others", () => {
    expect(refusal(source({ topic: "lines" }))).toContain('topic("lines"), which is "s-0123456789ab.lines"');
    expect(refusal(sink({ topics: "s-0123456789ab.a, other" }))).toMatch(/topics=other/);
    expect(refusal(source({ topic: "__consumer_offsets", file: "/connect-files/f11/in.txt" }), single)).toMatch(
      /Kafka's and the worker's own/,
    );
    expect(refusal(sink({ topics: undefined, "topics.regex": ".*" }))).toMatch(/must start with your prefix/);
    expect(refusal(sink({ topics: undefined, "topics.regex": "s-0123456789ab\\.a|.*" }))).toMatch(/no "\|"/);
    expect(refusal(sink({ topics: undefined, "topics.regex": "s-0123456789ab..*" }))).toMatch(/escaped/);
    expect(refusal(sink({ "topics.regex": "s-0123456789ab\\..*" }))).toMatch(/either "topics" or "topics.regex"/);
    expect(refusal(source({ topic: undefined }))).toMatch(/Set "topic"/);
    expect(refusal(source({ topics: "s-0123456789ab.x" }))).toMatch(/one topic/);
    expect(refusal(source({ "errors.deadletterqueue.topic.name": "dlq" }))).toMatch(/errors.deadletterqueue.topic.name=dlq/);
  });

  it("lets a single learner use any topic name", () => {
    expect(refusal(source({ topic: "lines", file: "/connect-files/f11/in.txt" }), single)).toBeUndefined();
    expect(refusal(sink({ topics: undefined, "topics.regex": ".*", file: "/connect-files/f11/out.txt" }), single)).toBeUndefined();
  });

  it("refuses other connector classes, converters and transforms, client overrides and config providers", () => {
    expect(refusal(source({ "connector.class": "org.apache.kafka.connect.tools.MockSourceConnector" }))).toMatch(
      /not installed here: this worker runs FileStreamSource and FileStreamSink/,
    );
    expect(refusal(source({ "connector.class": undefined }))).toMatch(/\(missing\)/);
    expect(refusal(source({ "value.converter": "com.example.Evil" }))).toMatch(/value.converter=com.example.Evil is not available/);
    expect(refusal(source({ transforms: "x", "transforms.x.type": "com.example.Evil" }))).toMatch(/only Kafka's own transforms/);
    expect(refusal(source({ "transforms.y.type": "org.apache.kafka.connect.transforms.InsertField$Value" }))).toMatch(/does not list/);
    expect(refusal(source({ "producer.override.sasl.jaas.config": "x" }))).toMatch(
      /Setting "producer.override.sasl.jaas.config" is not available/,
    );
    expect(refusal(source({ "offsets.storage.topic": "mine" }))).toMatch(/not available/);
    expect(refusal(source({ file: "${file:/etc/passwd:x}" }))).toMatch(/config provider/);
    expect(refusal(source({ "tasks.max": "50" }))).toMatch(/tasks.max=50: use 1 to 4/);
    expect(refusal(source({ batch: { nested: true } }))).toMatch(/not available/);
    expect(refusal(source({ "batch.size": { nested: true } }))).toMatch(/must be a string/);
    expect(refusal([])).toMatch(/JSON object/);
    expect(refusal(JSON.parse('{"__proto__": {"file": "/etc"}}'))).toMatch(/"__proto__" is not available/);
  });

  it("refuses a config whose name is another session's or differs from the URL's", () => {
    expect(refusal(source({ name: "s-ffffffffffff.src" }))).toMatch(/is not yours: your connectors' names start with "s-0123456789ab."/);
    expect(refusal(source({ name: "s-0123456789ab.a" }), scope, "s-0123456789ab.b")).toMatch(/differs from the connector in the URL/);
  });
});

describe("checkName", () => {
  it("wants the session's prefix and a plain name", () => {
    expect(checkName(scope, "s-0123456789ab.src")).toBeUndefined();
    expect(checkName(scope, "s-0123456789ab.")?.message).toMatch(/not yours/);
    expect(checkName(scope, "src")?.message).toMatch(/not yours/);
    expect(checkName(scope, "s-0123456789ab.a/b")?.message).toMatch(/1 to 200 letters/);
    expect(checkName(scope, 7)?.message).toMatch(/got 7/);
    expect(checkName(single, "anything")).toBeUndefined();
  });
});

describe("route", () => {
  it("offers the root, the plugins, the list and a session's own connectors", () => {
    expect(route(scope, "GET", "/")).toEqual({ kind: "root" });
    expect(route(scope, "GET", "")).toEqual({ kind: "root" });
    expect(route(scope, "GET", "/connector-plugins")).toEqual({ kind: "plugins" });
    expect(route(scope, "PUT", "/connector-plugins/FileStreamSource/config/validate")).toEqual({
      kind: "validate",
      plugin: "FileStreamSource",
    });
    expect(route(scope, "GET", "/connectors")).toEqual({ kind: "list" });
    expect(route(scope, "POST", "/connectors/")).toEqual({ kind: "create" });
    for (const [method, rest] of [
      ["GET", ""],
      ["DELETE", ""],
      ["PUT", "/config"],
      ["GET", "/status"],
      ["POST", "/restart"],
      ["PUT", "/pause"],
      ["PUT", "/resume"],
      ["PUT", "/stop"],
      ["GET", "/tasks"],
      ["GET", "/tasks/0/status"],
      ["POST", "/tasks/0/restart"],
      ["GET", "/offsets"],
      ["PATCH", "/offsets"],
      ["DELETE", "/offsets"],
      ["GET", "/topics"],
      ["PUT", "/topics/reset"],
    ] as const) {
      expect(route(scope, method, `/connectors/s-0123456789ab.src${rest}`)).toEqual({
        kind: "connector",
        name: "s-0123456789ab.src",
        rest,
      });
    }
    expect(route(scope, "GET", "/connectors/s-0123456789ab%2Esrc/status")).toEqual({
      kind: "connector",
      name: "s-0123456789ab.src",
      rest: "/status",
    });
  });

  it("refuses another session's connectors, unknown sub-paths and methods, and the worker's admin routes", () => {
    const refused = (method: string, pathname: string) => {
      const r = route(scope, method, pathname);
      return r.kind === "refused" ? [r.status, r.refusal.message] : [0, r.kind];
    };
    expect(refused("GET", "/connectors/s-ffffffffffff.src")).toEqual([403, expect.stringContaining("is not yours") as string]);
    expect(refused("GET", "/connectors/s-0123456789ab.x%2F..%2F..%2Fadmin")[0]).toBe(403);
    expect(refused("GET", "/connectors/%E0%A4%A")[0]).toBe(400);
    expect(refused("GET", "/connectors/s-0123456789ab.src/tasks/0/bogus")[0]).toBe(404);
    expect(refused("POST", "/connectors/s-0123456789ab.src/pause")).toEqual([405, expect.stringContaining("use PUT") as string]);
    expect(refused("DELETE", "/connectors")[0]).toBe(405);
    expect(refused("POST", "/")[0]).toBe(405);
    expect(refused("GET", "/admin/loggers")[0]).toBe(403);
    expect(refused("PUT", "/admin/loggers/org.apache.kafka")[0]).toBe(403);
    expect(refused("GET", "/worker")[0]).toBe(403);
  });
});

describe("filterConnectorList", () => {
  it("keeps the session's connectors, in the plain list and the expanded object", () => {
    const names = ["s-0123456789ab.a", "s-ffffffffffff.b", "c"];
    expect(filterConnectorList(scope, names)).toEqual(["s-0123456789ab.a"]);
    expect(filterConnectorList(scope, Object.fromEntries(names.map((n) => [n, { status: {} }])))).toEqual({
      "s-0123456789ab.a": { status: {} },
    });
    expect(filterConnectorList(single, names)).toEqual(names);
  });
});

describe("a classroom session's connector clients", () => {
  const clients = sessionClients(["127.0.0.1:19292"], { username: "s-0123456789ab", password: "hmac" });
  const classroom: SessionScope = { ...scope, clients };

  it("log in as the session on the learner listener: producer, consumer and admin alike", () => {
    const forwarded = withSessionClients(classroom, source());
    for (const kind of ["producer", "consumer", "admin"]) {
      expect(forwarded[`${kind}.override.bootstrap.servers`]).toBe("127.0.0.1:19292");
      expect(forwarded[`${kind}.override.security.protocol`]).toBe("SASL_PLAINTEXT");
      expect(forwarded[`${kind}.override.sasl.jaas.config`]).toBe(
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="s-0123456789ab" password="hmac";',
      );
    }
    expect(withSessionClients(single, source())).toEqual(source());
  });

  it("come back out of a configuration the learner read and sends again, while a learner's own override is refused", () => {
    const echoed = withoutSessionClients(classroom, withSessionClients(classroom, source()));
    expect(echoed).toEqual(source());
    expect(refusal(echoed, classroom)).toBeUndefined();
    const shown = hideSessionLogin(classroom, { name: "x", config: withSessionClients(classroom, source()) }) as {
      config: Record<string, unknown>;
    };
    expect(JSON.stringify(shown)).not.toContain('password="hmac"');
    expect(withoutSessionClients(classroom, shown.config)).toEqual(source());
    const own = withoutSessionClients(classroom, source({ "producer.override.sasl.jaas.config": "someone else's" }));
    expect(refusal(own, classroom)).toMatch(/Setting "producer.override.sasl.jaas.config" is not available/);
  });
});
