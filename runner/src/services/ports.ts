/**
 * The companion services' ports, all counted from SERVICES_PORT so that two courses on one machine (or the test
 * run beside a course) never collide. The default base, 32100, keeps every port below the kernel's ephemeral
 * range (32768 and up), so an outgoing connection never holds one.
 */
export interface ServicePorts {
  zookeeper: number;
  /** The ZooKeeper-mode brokers' own listener (the runner, inter-broker traffic), brokers 1 to 3. */
  zkBrokers: [number, number, number];
  /** Their learner listener (SASL/PLAIN with the session's login, ACLs), brokers 1 to 3. */
  zkLearner: [number, number, number];
  amqp: number;
  rabbitStream: number;
  rabbitDist: number;
  epmd: number;
  rabbitManagement: number;
  /** Kafka Connect's REST listener (the runner's only: learners go through the gate). */
  connectRest: number;
  /** The runner's REST gate in front of it, which learners' runs reach (runner/src/services/connect/rest-gate.ts). */
  connectGate: number;
  /** The security gate, where lesson 21's runs create SCRAM users and ACLs (runner/src/services/security). */
  securityGate: number;
  /** PostgreSQL (lesson 17's sink): learners log in to their own database only (pg_hba.conf `sameuser`). */
  postgres: number;
}

export function servicePorts(base: number): ServicePorts {
  return {
    zookeeper: base,
    zkBrokers: [base + 1, base + 2, base + 3],
    zkLearner: [base + 4, base + 5, base + 6],
    amqp: base + 10,
    rabbitStream: base + 11,
    rabbitDist: base + 12,
    epmd: base + 13,
    rabbitManagement: base + 14,
    connectRest: base + 20,
    connectGate: base + 21,
    securityGate: base + 22,
    postgres: base + 30,
  };
}

/** Every port of the layout, for the port preflight. */
export function allServicePorts(base: number): number[] {
  const p = servicePorts(base);
  return [
    p.zookeeper,
    ...p.zkBrokers,
    ...p.zkLearner,
    p.amqp,
    p.rabbitStream,
    p.rabbitDist,
    p.epmd,
    p.rabbitManagement,
    p.connectRest,
    p.connectGate,
    p.securityGate,
    p.postgres,
  ];
}
