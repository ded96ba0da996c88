package dev.offset.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;

import static dev.offset.lab.Tool.describe;
import static dev.offset.lab.Tool.print;
import static dev.offset.lab.Tool.quote;

/**
 * Runs a few Kafka share consumers (KIP-932, "queues for Kafka") in one share group, one thread each, and prints
 * what each of them is handed: one JSON line per delivery, then {"done":true,...}. Problems are JSON lines too:
 * {"error":"..."}, and the exit code is 1 (2 for arguments it cannot use).
 *
 * <pre>
 * java -cp "$LAB_JAVA_CLASSPATH" dev.offset.lab.ShareConsumers --group G --topic T [options]
 *   --consumers N      share consumers in the group (default 2)
 *   --records M        stop once M records are settled, i.e. accepted or rejected (default: run until --timeout-ms)
 *   --timeout-ms MS    stop after this long in any case (default 15000)
 *   --per-poll K       records a consumer takes at a time (default 1)
 *   --work-ms MS       pretend each record takes this long to process (default 0)
 *   --release REGEX    release the first delivery of a record whose value matches: it goes back to the group
 *   --reject REGEX     reject a record whose value matches: it is never delivered again
 *   --reset WHERE      the group's share.auto.offset.reset before it starts: earliest (default), latest, or keep
 *   --bootstrap H:P,.. brokers (default: LAB_BROKERS)
 * </pre>
 *
 * Every other record is accepted. The login, when the cluster needs one, comes from LAB_SASL_USERNAME and
 * LAB_SASL_PASSWORD (SASL/PLAIN).
 */
public final class ShareConsumers {
  private static final Map<String, String> DEFAULTS =
      Map.of("consumers", "2", "records", "0", "timeout-ms", "15000", "per-poll", "1", "work-ms", "0", "reset", "earliest");

  private final Tool options;
  private final Pattern release;
  private final Pattern reject;
  /** Records accepted or rejected so far, by all consumers together. */
  private final AtomicInteger settled = new AtomicInteger();
  private final AtomicInteger deliveries = new AtomicInteger();
  private final CountDownLatch enough = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile String failure;

  private ShareConsumers(Tool options) {
    this.options = options;
    this.release = pattern(options.get("release"));
    this.reject = pattern(options.get("reject"));
  }

  public static void main(String[] args) {
    Tool.main(args, DEFAULTS, List.of("group", "topic", "release", "reject"), options -> new ShareConsumers(options).run());
  }

  private int run() throws Exception {
    String group = options.required("group");
    String topic = options.required("topic");
    int count = options.number("consumers");
    int records = options.number("records");
    int timeoutMs = options.number("timeout-ms");
    if (count < 1 || count > 8) throw new IllegalArgumentException("--consumers must be between 1 and 8");
    if (options.number("per-poll") < 1 || options.number("work-ms") < 0) throw new IllegalArgumentException("--per-poll must be 1 or more, --work-ms 0 or more");
    long started = System.nanoTime();
    String reset = options.get("reset");
    if (!reset.equals("keep")) setResetPolicy(group, reset);

    List<Thread> threads = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      int number = i;
      threads.add(new Thread(() -> consume(number, group, topic, records), "share-consumer-" + i));
    }
    threads.forEach(Thread::start);

    boolean reached = enough.await(timeoutMs, TimeUnit.MILLISECONDS);
    stopping = true;
    for (Thread thread : threads) thread.join();
    long ms = (System.nanoTime() - started) / 1_000_000;
    if (failure != null) {
      print("{\"error\":" + quote(failure) + "}");
      return 1;
    }
    String reason = reached && records > 0 ? "records" : "timeout";
    print(String.format("{\"done\":true,\"reason\":\"%s\",\"settled\":%d,\"deliveries\":%d,\"ms\":%d}", reason, settled.get(), deliveries.get(), ms));
    return 0;
  }

  /** One consumer's loop: poll, decide each record's acknowledgement, commit, until told to stop. */
  private void consume(int number, String group, String topic, int records) {
    long workMs = options.number("work-ms");
    KafkaShareConsumer<String, String> consumer = null;
    try {
      consumer = new KafkaShareConsumer<>(consumerProperties(group, number));
      consumer.subscribe(List.of(topic));
      // poll() returns at least every 200 ms, so the loop sees `stopping` soon after it is set.
      while (!stopping) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          // Records left unacknowledged here go back to the group when the consumer leaves it.
          if (stopping) break;
          if (workMs > 0) Thread.sleep(workMs);
          AcknowledgeType ack = decide(record);
          consumer.acknowledge(record, ack);
          deliveries.incrementAndGet();
          print(delivery(number, record, ack));
          if (ack != AcknowledgeType.RELEASE && settled.incrementAndGet() == records) enough.countDown();
        }
        // Sends the acknowledgements now, so a released record is offered again without waiting for the next poll.
        consumer.commitSync(Duration.ofSeconds(10));
      }
    } catch (Exception error) {
      failure = "consumer " + number + ": " + describe(error);
      stopping = true;
      enough.countDown();
    } finally {
      // Leaves the group; a record it still holds unacknowledged is offered to the others.
      if (consumer != null) consumer.close(Duration.ofSeconds(5));
    }
  }

  private AcknowledgeType decide(ConsumerRecord<String, String> record) {
    String value = record.value() == null ? "" : record.value();
    if (reject != null && reject.matcher(value).find()) return AcknowledgeType.REJECT;
    if (release != null && record.deliveryCount().orElse((short) 1) == 1 && release.matcher(value).find()) return AcknowledgeType.RELEASE;
    return AcknowledgeType.ACCEPT;
  }

  /** Where a new share group starts reading is a group config (share.auto.offset.reset), set before it joins. */
  private void setResetPolicy(String group, String reset) throws Exception {
    if (!reset.equals("earliest") && !reset.equals("latest")) throw new IllegalArgumentException("--reset must be earliest, latest or keep");
    try (Admin admin = Admin.create(options.clientProperties())) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
      AlterConfigOp set = new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", reset), AlterConfigOp.OpType.SET);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(set))).all().get(15, TimeUnit.SECONDS);
    }
  }

  private Properties consumerProperties(String group, int number) {
    Properties props = options.clientProperties();
    props.put("group.id", group);
    props.put("client.id", "offset-share-" + number);
    props.put("key.deserializer", StringDeserializer.class.getName());
    props.put("value.deserializer", StringDeserializer.class.getName());
    // Each record gets its own decision: accept, release or reject (acknowledge() before the next poll).
    props.put("share.acknowledgement.mode", "explicit");
    // Take at most --per-poll records at a time, so the others stay available to the other consumers.
    props.put("share.acquire.mode", "record_limit");
    props.put("max.poll.records", options.get("per-poll"));
    return props;
  }

  private static String delivery(int consumer, ConsumerRecord<String, String> record, AcknowledgeType ack) {
    return String.format(
        "{\"consumer\":%d,\"topic\":%s,\"partition\":%d,\"offset\":%d,\"key\":%s,\"value\":%s,\"deliveryCount\":%d,\"ack\":\"%s\"}",
        consumer,
        quote(record.topic()),
        record.partition(),
        record.offset(),
        quote(record.key()),
        quote(record.value()),
        record.deliveryCount().orElse((short) 1),
        ack.toString().toLowerCase());
  }

  private static Pattern pattern(String regex) {
    return regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
  }
}
