"""The course's helpers for Python snippets: the same essentials as the TypeScript `lab` module.

    import lab
    from confluent_kafka import Producer

    topic = lab.fresh_topic("first-events", partitions=3)
    producer = Producer(lab.config())

- ``lab.BOOTSTRAP``: the course cluster's bootstrap servers, as this run reaches them ("host:port,host:port").
- ``lab.config(**settings)``: settings for a confluent-kafka Producer, Consumer or AdminClient, with the session's
  login in classroom mode. Keys use librdkafka's names with dots; pass extra ones as a dict: ``lab.config(**{"acks": "all"})``.
- ``lab.kafka_python_config(**kwargs)``: the same for kafka-python's KafkaProducer, KafkaConsumer and KafkaAdminClient.
- ``lab.topic(name)``, ``lab.group_id(name)``, ``lab.transactional_id(name)``: this learner's names (in a class
  every learner's names start with their own prefix); ``lab.display_name(full)`` drops the prefix for printing.
- ``lab.fresh_topic(name, partitions=3, replication_factor=-1, configs=None)``: deletes the topic if it exists,
  creates it again, waits until every partition has a leader, and returns its full name.
- ``lab.report(msg)``: shows an acknowledged record in the page's cluster view (call it from a delivery callback).
- ``lab.postgres_url()``: this session's own PostgreSQL database, for psycopg (in the lessons that use it).
"""

import json
import os
import sys
import time

BOOTSTRAP = os.environ.get("LAB_BOOTSTRAP", "")
_PREFIX = os.environ.get("LAB_PREFIX", "")
_USERNAME = os.environ.get("LAB_SASL_USERNAME", "")
_PASSWORD = os.environ.get("LAB_SASL_PASSWORD", "")
# Marks a stdout line as a structured event for the page (runner/src/sandbox/output.ts).
_EVENT_PREFIX = "\u001eoffset:"


def topic(name):
    """The name of topic ``name`` for this learner. Use it wherever a snippet names a topic."""
    return _PREFIX + name


def group_id(name):
    """The name of consumer group ``name`` for this learner."""
    return _PREFIX + name


def transactional_id(name):
    """The name of transactional id ``name`` for this learner."""
    return _PREFIX + name


def display_name(name):
    """The name the learner wrote, without the session prefix (for printing)."""
    return name[len(_PREFIX):] if _PREFIX and name.startswith(_PREFIX) else name


def config(**settings):
    """Settings for a confluent-kafka client: bootstrap servers, client id and, in a class, the session's login."""
    base = {"bootstrap.servers": BOOTSTRAP, "client.id": "offset-lab-python"}
    if _USERNAME:
        base.update(
            {
                "security.protocol": "SASL_PLAINTEXT",
                "sasl.mechanism": "PLAIN",
                "sasl.username": _USERNAME,
                "sasl.password": _PASSWORD,
            }
        )
    base.update(settings)
    return base


def kafka_python_config(**kwargs):
    """Keyword arguments for a kafka-python client, with the same login as ``config()``."""
    base = {"bootstrap_servers": BOOTSTRAP.split(","), "client_id": "offset-lab-python"}
    if _USERNAME:
        base.update(
            {
                "security_protocol": "SASL_PLAINTEXT",
                "sasl_mechanism": "PLAIN",
                "sasl_plain_username": _USERNAME,
                "sasl_plain_password": _PASSWORD,
            }
        )
    base.update(kwargs)
    return base


def postgres_url():
    """This session's PostgreSQL URL (its own database and login), for psycopg: ``psycopg.connect(lab.postgres_url())``.

    Only the lessons that use PostgreSQL (lesson 17) reach it; in a class every session has a database of its own.
    """
    url = os.environ.get("LAB_PG_URL")
    if not url:
        raise RuntimeError(
            "PostgreSQL is not open to this run. Only the lessons that use it reach it (lesson 17), and only where "
            "the course runs it (a Docker-hosted course has no PostgreSQL yet): run this code from that lesson's page."
        )
    return url


def report(msg):
    """Shows an acknowledged record (a confluent-kafka Message from a delivery callback) in the cluster view."""
    if msg is None or msg.error() is not None:
        return
    key = msg.key()
    event = {
        "type": "produced",
        "topic": msg.topic(),
        "partition": msg.partition(),
        "offset": str(msg.offset()),
        "key": key.decode("utf-8", "replace") if isinstance(key, bytes) else key,
    }
    sys.stdout.write(_EVENT_PREFIX + json.dumps(event) + "\n")
    sys.stdout.flush()


def _wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001 - metadata for a topic being created or deleted can fail for a moment
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting after {timeout} s: {what}")
        time.sleep(0.25)


def fresh_topic(name, partitions=3, replication_factor=-1, configs=None):
    """Deletes topic ``name`` if it exists, creates it again, waits for its leaders, and returns its full name."""
    from confluent_kafka import KafkaError, KafkaException
    from confluent_kafka.admin import AdminClient, NewTopic

    full = topic(name)
    admin = AdminClient(config())

    def names():
        return admin.list_topics(timeout=10).topics

    if full in names():
        for future in admin.delete_topics([full], operation_timeout=10).values():
            future.result()
        _wait_until(lambda: full not in names(), 15, f"topic {name} to be deleted")
    # -1: the brokers' default replication factor (3 on the course cluster).
    spec = NewTopic(full, num_partitions=partitions, replication_factor=replication_factor, config=dict(configs or {}))
    deadline = time.monotonic() + 15
    while True:
        try:
            admin.create_topics([spec], operation_timeout=10)[full].result()
            break
        except KafkaException as error:
            # The deletion may not have reached every broker yet.
            if error.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS and time.monotonic() < deadline:
                time.sleep(0.25)
                continue
            raise

    def leaders_known():
        described = admin.list_topics(full, timeout=10).topics[full]
        return described.error is None and len(described.partitions) == partitions and all(
            p.leader >= 0 for p in described.partitions.values()
        )

    _wait_until(leaders_known, 15, f"every partition of {name} to have a leader")
    return full
