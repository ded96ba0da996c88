import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from "kafkajs";
import { brokers, labConfig } from "lab";

// Client settings for each kind of listener. Secrets come from the environment, never from source code.
const env = (name: string, fallback: string) => process.env[name] ?? fallback;
const caPem = env("KAFKA_CA_PEM", "-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----");

const configs: Record<string, Pick<KafkaConfig, "ssl" | "sasl">> = {
  // SSL listener: encrypted, and the client checks the broker's certificate against our CA.
  tls: { ssl: { ca: [caPem], rejectUnauthorized: true } },
  // SSL listener with ssl.client.auth=required: the client's own certificate is its identity (mutual TLS).
  mtls: { ssl: { ca: [caPem], cert: env("KAFKA_CLIENT_CERT_PEM", "<client cert>"), key: env("KAFKA_CLIENT_KEY_PEM", "<client key>") } },
  // SASL_SSL with SCRAM: a salted challenge-response, so the password never crosses the wire. TLS still matters:
  // it encrypts the records, and keeps the exchange from being recorded and attacked offline.
  scram: { ssl: { ca: [caPem] }, sasl: { mechanism: "scram-sha-512", username: "alice", password: env("KAFKA_PASSWORD", "alice-secret") } },
  // SASL_SSL with PLAIN: the password itself is sent, so PLAIN is only acceptable inside TLS.
  plain: { ssl: { ca: [caPem] }, sasl: { mechanism: "plain", username: "alice", password: env("KAFKA_PASSWORD", "alice-secret") } },
  // SASL_SSL with OAUTHBEARER: kafkajs asks this function for a token whenever it authenticates a connection. Fetch
  // it from your identity provider (client-credentials grant); the broker validates it against the provider's keys.
  oauthbearer: {
    ssl: { ca: [caPem] },
    sasl: { mechanism: "oauthbearer", oauthBearerProvider: async () => ({ value: env("KAFKA_OAUTH_TOKEN", "<JWT from your IdP>") }) },
  },
  // GSSAPI (Kerberos) has no entry: kafkajs does not implement it. Use a librdkafka-based client or the Java client.
};

const redact = (key: string, value: unknown) =>
  key === "password" || key === "key"
    ? "***"
    : typeof value === "function"
      ? "<async () => token>"
      : typeof value === "string" && value.includes("BEGIN")
        ? "<PEM>"
        : value;
for (const [name, config] of Object.entries(configs)) console.log(`${name}: ${JSON.stringify(config, redact)}`);

/** Tries a connection to the listener this run uses, with labConfig's settings overridden by `security`. */
async function attempt(label: string, security: Pick<KafkaConfig, "ssl" | "sasl">): Promise<void> {
  const client = new Kafka({
    ...labConfig,
    clientId: "security-probe",
    brokers: brokers.slice(0, 1),
    connectionTimeout: 2000,
    requestTimeout: 3000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
    ...security,
  });
  const admin = client.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    console.log(`${label}: connected`);
  } catch (error) {
    console.log(`${label}: failed: ${(error as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

// The course listeners speak no TLS, and none of them offers SCRAM, so both of these clients fail.
await attempt("TLS client → course listener", { ssl: true });
const scram: SASLOptions = { mechanism: "scram-sha-512", username: "alice", password: "alice-secret" };
await attempt("SCRAM client → course listener", { sasl: scram });
// The settings the course gave this run: no credentials on PLAINTEXT, or the session's PLAIN login on LEARNER.
await attempt("course settings → course listener", labConfig.sasl ? { sasl: labConfig.sasl } : {});
