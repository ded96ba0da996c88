/**
 * What a learner's run may ask of the Connect worker, decided from the request alone: which REST routes, which
 * connector names (the session's prefix), and which connector configurations (FileStream connectors on the
 * session's own files and topics, with a short list of settings). Every refusal says what to change. Pure, so
 * it is unit-tested without a worker; rest-gate.ts applies it.
 */
import path from "node:path";

export interface SessionScope {
  /** The session's name prefix with its dot ("s-0123456789ab."); "" for a single learner, who may use any name. */
  prefix: string;
  /** The session's folder as the worker sees it: `file` must name a file directly inside it. */
  workerFiles: string;
  /** Connectors the session may have at once (classroom mode); undefined for no limit. */
  maxConnectors?: number | undefined;
  /**
   * The settings of the clients the worker runs for the session's connectors (producer, consumer, admin): in a
   * classroom, the learner listener and the session's own login, so Kafka holds a connector to the session's ACLs
   * and quotas as it holds the session's runs. Undefined: the worker's own clients (a single learner).
   */
  clients?: Record<string, string> | undefined;
}

/** The client kinds a connector's settings may override (KIP-458), each with its prefix. */
const CLIENT_PREFIXES = ["producer.override.", "consumer.override.", "admin.override."] as const;

/**
 * `config` with the session's client settings for every kind of client a connector uses. The gate adds them to
 * what it forwards; a learner's own override settings are refused by checkConfig.
 */
export function withSessionClients(scope: SessionScope, config: Record<string, unknown>): Record<string, unknown> {
  if (!scope.clients) return config;
  const added = Object.fromEntries(
    CLIENT_PREFIXES.flatMap((prefix) => Object.entries(scope.clients!).map(([key, value]) => [prefix + key, value])),
  );
  return { ...config, ...added };
}

/** What a learner sees in place of the session's login in a connector's settings. */
export const HIDDEN_LOGIN = "[the session's login, added by the course]";

/** `answer` (any JSON from the worker) with the session's JAAS login replaced by HIDDEN_LOGIN wherever it appears. */
export function hideSessionLogin(scope: SessionScope, answer: unknown): unknown {
  const login = scope.clients?.["sasl.jaas.config"];
  if (!login) return answer;
  const hide = (value: unknown): unknown =>
    value === login
      ? HIDDEN_LOGIN
      : Array.isArray(value)
        ? value.map(hide)
        : value && typeof value === "object"
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hide(v)]))
          : value;
  return hide(answer);
}

/**
 * `config` without the overrides the gate itself added, as a learner sends back a configuration it read from the
 * worker (GET …/config, then PUT it with a change): those are not the learner's to set, and come back anyway.
 */
export function withoutSessionClients(scope: SessionScope, config: unknown): unknown {
  if (!scope.clients || typeof config !== "object" || config === null || Array.isArray(config)) return config;
  const ours = withSessionClients(scope, {});
  const echoed = (key: string, value: unknown) =>
    key in ours && (String(value) === ours[key] || (key.endsWith("sasl.jaas.config") && value === HIDDEN_LOGIN));
  return Object.fromEntries(Object.entries(config).filter(([key, value]) => !echoed(key, value)));
}

export const CONNECTOR_CLASSES = {
  source: ["org.apache.kafka.connect.file.FileStreamSourceConnector", "FileStreamSourceConnector", "FileStreamSource"],
  sink: ["org.apache.kafka.connect.file.FileStreamSinkConnector", "FileStreamSinkConnector", "FileStreamSink"],
} as const;

/** Converters a connector may choose instead of the worker's JsonConverter, by full or short class name. */
export const CONVERTERS = [
  "org.apache.kafka.connect.json.JsonConverter",
  "org.apache.kafka.connect.storage.StringConverter",
  "org.apache.kafka.connect.storage.SimpleHeaderConverter",
  "org.apache.kafka.connect.converters.ByteArrayConverter",
  "org.apache.kafka.connect.converters.BooleanConverter",
  "org.apache.kafka.connect.converters.DoubleConverter",
  "org.apache.kafka.connect.converters.FloatConverter",
  "org.apache.kafka.connect.converters.IntegerConverter",
  "org.apache.kafka.connect.converters.LongConverter",
  "org.apache.kafka.connect.converters.ShortConverter",
] as const;

/** Single Message Transforms and predicates: Kafka's own only (connect-transforms, on the worker's class path). */
const TRANSFORM_PACKAGE = "org.apache.kafka.connect.transforms.";

/** Settings a FileStream connector may have (keys under the converter, transform and predicate prefixes too). */
export const ALLOWED_SETTINGS = [
  "name",
  "connector.class",
  "tasks.max",
  "file",
  "topic",
  "topics",
  "topics.regex",
  "batch.size",
  "key.converter",
  "value.converter",
  "header.converter",
  "transforms",
  "predicates",
  "errors.tolerance",
  "errors.log.enable",
  "errors.log.include.messages",
  "errors.retry.timeout",
  "errors.retry.delay.max.ms",
  "errors.deadletterqueue.topic.name",
  "errors.deadletterqueue.topic.replication.factor",
  "errors.deadletterqueue.context.headers.enable",
  "topic.creation.default.replication.factor",
  "topic.creation.default.partitions",
] as const;
const ALLOWED_PREFIXES = ["key.converter.", "value.converter.", "header.converter.", "transforms.", "predicates."] as const;

export const MAX_TASKS = 4;
const NAME = /^[A-Za-z0-9._-]{1,200}$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const ALIAS = /^[A-Za-z0-9_-]{1,64}$/;

/** A refusal: the message the learner reads. */
export class Refusal {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** Whether the session owns connector `name`. */
export function ownsConnector(scope: SessionScope, name: string): boolean {
  return NAME.test(name) && name.startsWith(scope.prefix) && name.length > scope.prefix.length;
}

/** Why a connector name is refused, or undefined. */
export function checkName(scope: SessionScope, name: unknown): Refusal | undefined {
  if (typeof name !== "string" || !NAME.test(name)) {
    return new Refusal(`A connector name is 1 to 200 letters, digits, ".", "_" or "-"; got ${JSON.stringify(name)}.`);
  }
  if (!ownsConnector(scope, name)) {
    return new Refusal(
      `Connector "${name}" is not yours: your connectors' names start with "${scope.prefix}" (LAB_SESSION and a dot, as topic("…") adds to topic names).`,
    );
  }
  return undefined;
}

function topicRefusal(scope: SessionScope, setting: string, topic: string): Refusal | undefined {
  if (topic === "") return new Refusal(`${setting} names an empty topic.`);
  if (topic.startsWith("__")) return new Refusal(`${setting}=${topic}: topics starting with "__" are Kafka's and the worker's own.`);
  if (!topic.startsWith(scope.prefix) || topic.length === scope.prefix.length) {
    return new Refusal(
      `${setting}=${topic}: your topics start with "${scope.prefix}". Write topic(${JSON.stringify(topic)}), which is "${scope.prefix}${topic}".`,
    );
  }
  return undefined;
}

/**
 * topics.regex, for a session: the literal prefix first (optionally after ^), and no "|" anywhere, since an
 * alternative could match any topic. A pattern is matched against the whole topic name, so one that starts with
 * the prefix and has no alternatives matches the session's topics only.
 */
function regexRefusal(scope: SessionScope, regex: string): Refusal | undefined {
  if (scope.prefix === "") return undefined;
  // "-" needs no escape outside a character class, and the prefix has no other special character than ".".
  const escaped = scope.prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const body = regex.startsWith("^") ? regex.slice(1) : regex;
  if (!body.startsWith(escaped) || regex.includes("|")) {
    return new Refusal(
      `topics.regex=${regex}: a pattern must start with your prefix, escaped (${escaped}), and have no "|". For example ${escaped}orders-.*`,
    );
  }
  return undefined;
}

function fileRefusal(scope: SessionScope, file: unknown): Refusal | undefined {
  const example = path.posix.join(scope.workerFiles, "in.txt");
  if (typeof file !== "string" || file === "") {
    return new Refusal(`Set "file" to a file in your Connect folder, as the worker sees it: ${example} (LAB_CONNECT_WORKER_FILES).`);
  }
  const name = path.posix.basename(file);
  if (path.posix.dirname(file) !== scope.workerFiles || !FILE_NAME.test(name)) {
    return new Refusal(
      `file=${file} is outside your Connect folder. Use a plain file name inside it, as the worker sees it: ${example} (LAB_CONNECT_WORKER_FILES, no sub-folders).`,
    );
  }
  return undefined;
}

const isSetting = (key: string) =>
  (ALLOWED_SETTINGS as readonly string[]).includes(key) || ALLOWED_PREFIXES.some((prefix) => key.startsWith(prefix));
const classNamed = (value: string, full: string) => value === full || value === full.slice(full.lastIndexOf(".") + 1);

/**
 * Why a connector configuration is refused, or undefined. `pathName` is the connector named by the URL (PUT
 * /connectors/<name>/config), which the config's own "name", when present, must repeat.
 */
export function checkConfig(scope: SessionScope, config: unknown, pathName?: string): Refusal | undefined {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    return new Refusal('A connector configuration is a JSON object of strings: {"connector.class": "FileStreamSource", …}.');
  }
  const settings = config as Record<string, unknown>;
  for (const [key, value] of Object.entries(settings)) {
    if (!isSetting(key)) {
      return new Refusal(
        `Setting "${key}" is not available on this course's Connect worker. A FileStream connector may set: ${ALLOWED_SETTINGS.join(", ")}, and keys under ${ALLOWED_PREFIXES.join(", ")}.`,
      );
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      return new Refusal(`Setting "${key}" must be a string (or a number), not ${JSON.stringify(value)}.`);
    }
    if (String(value).includes("${")) {
      return new Refusal(`Setting "${key}" uses a config provider ("\${…}"); this worker has none. Write the value itself.`);
    }
  }
  // Every value is a string, a number or a boolean by now.
  const values = settings as Record<string, string | number | boolean | undefined>;
  const text = (key: string) => (values[key] === undefined ? undefined : String(values[key]));

  if (pathName !== undefined && text("name") !== undefined && text("name") !== pathName) {
    return new Refusal(
      `The config's "name" (${text("name")}) differs from the connector in the URL (${pathName}); drop it or make them equal.`,
    );
  }
  const name = pathName ?? text("name");
  if (name !== undefined) {
    const refused = checkName(scope, name);
    if (refused) return refused;
  }

  const connectorClass = text("connector.class") ?? "";
  const kind = CONNECTOR_CLASSES.source.some((c) => c === connectorClass)
    ? "source"
    : CONNECTOR_CLASSES.sink.some((c) => c === connectorClass)
      ? "sink"
      : undefined;
  if (!kind) {
    return new Refusal(
      `connector.class=${connectorClass || "(missing)"} is not installed here: this worker runs FileStreamSource and FileStreamSink (org.apache.kafka.connect.file.*).`,
    );
  }

  const tasks = text("tasks.max");
  if (tasks !== undefined && (!/^\d+$/.test(tasks) || Number(tasks) < 1 || Number(tasks) > MAX_TASKS)) {
    return new Refusal(`tasks.max=${tasks}: use 1 to ${MAX_TASKS} (a FileStream source runs one task whatever you ask).`);
  }

  const fileRefused = fileRefusal(scope, settings.file);
  if (fileRefused) return fileRefused;

  if (kind === "source") {
    if (text("topics") !== undefined || text("topics.regex") !== undefined) {
      return new Refusal('A FileStreamSource writes to one topic: set "topic", not "topics" or "topics.regex".');
    }
    const topic = text("topic");
    if (topic === undefined) return new Refusal('Set "topic": the topic FileStreamSource writes the lines to.');
    const refused = topicRefusal(scope, "topic", topic);
    if (refused) return refused;
  } else {
    if (text("topic") !== undefined)
      return new Refusal('A FileStreamSink reads "topics" (a comma-separated list) or "topics.regex", not "topic".');
    const topics = text("topics");
    const regex = text("topics.regex");
    if ((topics === undefined) === (regex === undefined)) return new Refusal('Set either "topics" or "topics.regex" for a FileStreamSink.');
    for (const topic of (topics ?? "").split(",").map((t) => t.trim())) {
      if (topics === undefined) break;
      const refused = topicRefusal(scope, "topics", topic);
      if (refused) return refused;
    }
    if (regex !== undefined) {
      const refused = regexRefusal(scope, regex);
      if (refused) return refused;
    }
  }

  const dlq = text("errors.deadletterqueue.topic.name");
  if (dlq !== undefined && dlq !== "") {
    const refused = topicRefusal(scope, "errors.deadletterqueue.topic.name", dlq);
    if (refused) return refused;
  }

  for (const key of ["key.converter", "value.converter", "header.converter"]) {
    const converter = text(key);
    if (converter !== undefined && !CONVERTERS.some((c) => classNamed(converter, c))) {
      return new Refusal(
        `${key}=${converter} is not available here. Use one of: ${CONVERTERS.map((c) => c.slice(c.lastIndexOf(".") + 1)).join(", ")}.`,
      );
    }
  }

  for (const [list, what] of [
    ["transforms", "transform"],
    ["predicates", "predicate"],
  ] as const) {
    const aliases = (text(list) ?? "")
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean);
    for (const alias of aliases) {
      if (!ALIAS.test(alias)) return new Refusal(`${list}: "${alias}" is not a usable alias (letters, digits, "_" and "-").`);
      const type = text(`${list}.${alias}.type`);
      if (type !== undefined && !type.startsWith(TRANSFORM_PACKAGE)) {
        return new Refusal(
          `${list}.${alias}.type=${type}: only Kafka's own ${what}s are installed here (${TRANSFORM_PACKAGE}…, for example ${TRANSFORM_PACKAGE}InsertField$Value).`,
        );
      }
    }
    for (const key of Object.keys(settings).filter((k) => k.startsWith(`${list}.`))) {
      const alias = key.slice(list.length + 1).split(".")[0]!;
      if (!aliases.includes(alias)) return new Refusal(`${key} belongs to ${what} "${alias}", which "${list}" does not list.`);
    }
  }
  return undefined;
}

/** A REST route a run asked for, as the gate classifies it. */
export type Route =
  | { kind: "root" }
  | { kind: "plugins" }
  | { kind: "validate"; plugin: string }
  | { kind: "list" }
  | { kind: "create" }
  | { kind: "connector"; name: string; rest: string }
  | { kind: "refused"; refusal: Refusal; status: number };

/** Sub-paths of /connectors/<name> and the methods each allows. */
const CONNECTOR_ROUTES: readonly [RegExp, readonly string[]][] = [
  [/^$/, ["GET", "DELETE"]],
  [/^\/config$/, ["GET", "PUT"]],
  [/^\/status$/, ["GET"]],
  [/^\/restart$/, ["POST"]],
  [/^\/(pause|resume|stop)$/, ["PUT"]],
  [/^\/tasks$/, ["GET"]],
  [/^\/tasks\/\d+\/status$/, ["GET"]],
  [/^\/tasks\/\d+\/restart$/, ["POST"]],
  [/^\/offsets$/, ["GET", "DELETE", "PATCH"]],
  [/^\/topics$/, ["GET"]],
  [/^\/topics\/reset$/, ["PUT"]],
];

const OFFERED =
  "GET /, GET /connector-plugins, GET and POST /connectors, and GET, PUT, POST, PATCH or DELETE on /connectors/<your connector>/(config, status, restart, pause, resume, stop, tasks, offsets, topics)";

/** Classifies `method path` (the part after the session's /s/<token>) against what the gate offers. */
export function route(scope: SessionScope, method: string, pathname: string): Route {
  const refused = (status: number, message: string): Route => ({ kind: "refused", status, refusal: new Refusal(message) });
  const clean = pathname.replace(/\/+$/, "");
  if (clean === "") return method === "GET" ? { kind: "root" } : refused(405, `Only GET / is offered here. The gate offers ${OFFERED}.`);
  if (clean === "/connector-plugins")
    return method === "GET" ? { kind: "plugins" } : refused(405, "Only GET /connector-plugins is offered.");
  const validate = /^\/connector-plugins\/([^/]+)\/config\/validate$/.exec(clean);
  if (validate)
    return method === "PUT" ? { kind: "validate", plugin: decodeURIComponent(validate[1]!) } : refused(405, "Validate with PUT.");
  if (/^\/connector-plugins\/[^/]+\/config$/.test(clean) && method === "GET") return { kind: "plugins" };
  if (clean === "/connectors") {
    if (method === "GET") return { kind: "list" };
    if (method === "POST") return { kind: "create" };
    return refused(405, `${method} /connectors is not offered: GET lists your connectors, POST creates one.`);
  }
  const match = /^\/connectors\/([^/]+)(\/.*)?$/.exec(clean);
  if (match) {
    let name: string;
    try {
      name = decodeURIComponent(match[1]!);
    } catch {
      return refused(400, "The connector name in the URL is not valid percent-encoding.");
    }
    const rest = match[2] ?? "";
    const refusedName = checkName(scope, name);
    if (refusedName) return { kind: "refused", status: 403, refusal: refusedName };
    const entry = CONNECTOR_ROUTES.find(([pattern]) => pattern.test(rest));
    if (!entry) return refused(404, `/connectors/${name}${rest} is not offered. The gate offers ${OFFERED}.`);
    if (!entry[1].includes(method))
      return refused(405, `${method} /connectors/${name}${rest} is not offered; use ${entry[1].join(" or ")}.`);
    return { kind: "connector", name, rest };
  }
  return refused(403, `${method} ${pathname} is not offered to lessons. The gate offers ${OFFERED}.`);
}

/** GET /connectors' answer (a list, or an object by name with ?expand=), cut down to the session's connectors. */
export function filterConnectorList(scope: SessionScope, body: unknown): unknown {
  if (Array.isArray(body)) return body.filter((name) => typeof name === "string" && ownsConnector(scope, name));
  if (typeof body === "object" && body !== null) {
    return Object.fromEntries(Object.entries(body).filter(([name]) => ownsConnector(scope, name)));
  }
  return body;
}
