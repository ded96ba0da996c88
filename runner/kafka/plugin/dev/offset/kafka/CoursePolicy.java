package dev.offset.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.server.policy.AlterConfigPolicy;
import org.apache.kafka.server.policy.CreateTopicPolicy;

/**
 * The course's share of the cluster, enforced by the controller on every CreateTopics and AlterConfigs request
 * (whoever sends it, in whatever client): partitions per topic, replication factor, retention that is never
 * unlimited, the largest record batch, and (in classroom mode) the partitions all of one session's topics may hold.
 *
 * Kafka gives a create-topic policy the request, not the cluster, so the per-session count comes from a small
 * admin client on the node's own plaintext listener. It refreshes in the background while the policy is in use,
 * and creations approved since the last refresh are added on top, so validate() never blocks the controller.
 *
 * Configured from the node's server.properties (offset.policy.*); every message names the limit and the runner
 * variable that sets it, because the learner reads it in their output panel.
 */
public final class CoursePolicy implements CreateTopicPolicy, AlterConfigPolicy {
  private static final long REFRESH_MS = 2_000;
  private static final long IDLE_MS = 5 * 60_000;

  private int maxPartitions = Integer.MAX_VALUE;
  private int maxSessionPartitions = 0;
  private int maxReplicationFactor = Short.MAX_VALUE;
  private long maxRetentionMs = Long.MAX_VALUE;
  private long maxRetentionBytes = Long.MAX_VALUE;
  private long maxMessageBytes = Long.MAX_VALUE;
  private Pattern sessionPattern = Pattern.compile("^(s-[0-9a-f]{12})[.]");
  private String bootstrap = "";

  /** Partitions per session prefix, as of the last refresh. */
  private volatile Map<String, Integer> counted = Map.of();
  /** Creations approved since the refresh before the last one began: topic → (prefix, partitions). */
  private final Map<String, Approved> approved = new ConcurrentHashMap<>();
  private volatile long lastUsed = 0;
  private Thread refresher;
  private Admin admin;

  private record Approved(String prefix, int partitions, long at) {}

  @Override
  public void configure(Map<String, ?> configs) {
    maxPartitions = intOf(configs, "offset.policy.topic.partitions.max", maxPartitions);
    maxSessionPartitions = intOf(configs, "offset.policy.session.partitions.max", maxSessionPartitions);
    maxReplicationFactor = intOf(configs, "offset.policy.replication.factor.max", maxReplicationFactor);
    maxRetentionMs = longOf(configs, "offset.policy.retention.ms.max", maxRetentionMs);
    maxRetentionBytes = longOf(configs, "offset.policy.retention.bytes.max", maxRetentionBytes);
    maxMessageBytes = longOf(configs, "offset.policy.message.bytes.max", maxMessageBytes);
    Object pattern = configs.get("offset.policy.session.pattern");
    if (pattern instanceof String p && !p.isBlank()) sessionPattern = Pattern.compile(p);
    Object servers = configs.get("offset.policy.bootstrap");
    if (servers instanceof String s) bootstrap = s;
  }

  // ---- CreateTopics -------------------------------------------------------------------------------------------

  @Override
  public void validate(CreateTopicPolicy.RequestMetadata request) throws PolicyViolationException {
    String topic = request.topic();
    if (topic.startsWith("__")) return; // Kafka's own internal topics
    int partitions = request.numPartitions() != null ? request.numPartitions() : request.replicasAssignments().size();
    int replicas = request.replicationFactor() != null
        ? request.replicationFactor()
        : request.replicasAssignments().values().stream().mapToInt(List::size).max().orElse(0);
    if (partitions > maxPartitions) {
      throw violation("Topic %s asks for %d partitions; this course allows at most %d per topic (LIMIT_TOPIC_PARTITIONS).",
          shown(topic), partitions, maxPartitions);
    }
    if (replicas > maxReplicationFactor) {
      throw violation("Topic %s asks for replication factor %d; this course allows at most %d (LIMIT_REPLICATION_FACTOR).",
          shown(topic), replicas, maxReplicationFactor);
    }
    checkTopicConfigs(shown(topic), request.configs());
    String prefix = sessionOf(topic);
    if (prefix != null && maxSessionPartitions > 0) {
      int used = sessionPartitions(prefix);
      if (used + partitions > maxSessionPartitions) {
        throw violation("Your topics already hold %d partitions and %s would add %d; each learner may hold at most %d (LIMIT_SESSION_PARTITIONS). Delete topics you no longer need.",
            used, shown(topic), partitions, maxSessionPartitions);
      }
      approved.put(topic, new Approved(prefix, partitions, System.currentTimeMillis()));
    }
  }

  // ---- AlterConfigs / IncrementalAlterConfigs ---------------------------------------------------------------------

  @Override
  public void validate(AlterConfigPolicy.RequestMetadata request) throws PolicyViolationException {
    ConfigResource resource = request.resource();
    if (resource.type() != ConfigResource.Type.TOPIC || resource.name().startsWith("__")) return;
    checkTopicConfigs(shown(resource.name()), request.configs());
  }

  private void checkTopicConfigs(String topic, Map<String, String> configs) {
    if (configs == null) return;
    Long retentionMs = number(configs.get("retention.ms"));
    if (retentionMs != null && (retentionMs < 0 || retentionMs > maxRetentionMs)) {
      throw violation("Topic %s asks for retention.ms=%d; this course keeps records at most %d ms (%s, LIMIT_RETENTION_MS), and never forever.",
          topic, retentionMs, maxRetentionMs, human(maxRetentionMs));
    }
    Long retentionBytes = number(configs.get("retention.bytes"));
    if (retentionBytes != null && (retentionBytes < 0 || retentionBytes > maxRetentionBytes)) {
      throw violation("Topic %s asks for retention.bytes=%d; this course keeps at most %d bytes per partition (LIMIT_RETENTION_BYTES), and never unlimited.",
          topic, retentionBytes, maxRetentionBytes);
    }
    Long messageBytes = number(configs.get("max.message.bytes"));
    if (messageBytes != null && messageBytes > maxMessageBytes) {
      throw violation("Topic %s asks for max.message.bytes=%d; this course allows record batches of at most %d bytes (LIMIT_MESSAGE_BYTES).",
          topic, messageBytes, maxMessageBytes);
    }
    Long segmentMs = number(configs.get("segment.ms"));
    if (segmentMs != null && segmentMs < 60_000) {
      throw violation("Topic %s asks for segment.ms=%d; this course rolls segments at most once a minute (segment.ms >= 60000), so a topic cannot fill the disk with files.",
          topic, segmentMs);
    }
    for (String key : List.of("flush.messages", "flush.ms")) {
      if (configs.containsKey(key) && configs.get(key) != null) {
        throw violation("Topic %s sets %s; on this course the brokers decide when to flush to disk (a per-record fsync would slow every learner).", topic, key);
      }
    }
  }

  // ---- Per-session partition count --------------------------------------------------------------------------------

  private String sessionOf(String topic) {
    Matcher m = sessionPattern.matcher(topic);
    return m.find() ? m.group(1) : null;
  }

  /** The topic name as the learner wrote it (without the session prefix). */
  private String shown(String topic) {
    Matcher m = sessionPattern.matcher(topic);
    return "\"" + (m.find() ? topic.substring(m.end()) : topic) + "\"";
  }

  private int sessionPartitions(String prefix) {
    lastUsed = System.currentTimeMillis();
    ensureRefresher();
    Map<String, Integer> snapshot = counted;
    int used = snapshot.getOrDefault(prefix, 0);
    for (Map.Entry<String, Approved> e : approved.entrySet()) {
      if (e.getValue().prefix().equals(prefix)) used += e.getValue().partitions();
    }
    return used;
  }

  private synchronized void ensureRefresher() {
    if (refresher != null && refresher.isAlive()) return;
    if (bootstrap.isBlank()) return;
    refresher = new Thread(this::refreshLoop, "offset-course-policy");
    refresher.setDaemon(true);
    refresher.start();
  }

  private void refreshLoop() {
    try {
      while (System.currentTimeMillis() - lastUsed < IDLE_MS) {
        long started = System.currentTimeMillis();
        try {
          refresh(started);
        } catch (Exception e) {
          // The cluster may be electing a leader; keep the last count and try again.
        }
        Thread.sleep(REFRESH_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void refresh(long started) throws Exception {
    Admin client = admin();
    List<String> names = new ArrayList<>();
    for (String name : client.listTopics(new ListTopicsOptions().listInternal(false)).names().get(10, TimeUnit.SECONDS)) {
      if (sessionOf(name) != null) names.add(name);
    }
    Map<String, Integer> counts = new HashMap<>();
    if (!names.isEmpty()) {
      Map<String, TopicDescription> described = client.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
      for (TopicDescription d : described.values()) counts.merge(sessionOf(d.name()), d.partitions().size(), Integer::sum);
      // A topic now visible in the metadata is counted there: drop it from the approvals.
      approved.keySet().removeAll(described.keySet());
    }
    counted = counts;
    // Approvals older than one full refresh that never appeared were refused later or deleted.
    approved.values().removeIf(a -> a.at() < started - 3 * REFRESH_MS);
  }

  private synchronized Admin admin() {
    if (admin == null) {
      Properties props = new Properties();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(AdminClientConfig.CLIENT_ID_CONFIG, "offset-course-policy");
      props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
      props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
      admin = Admin.create(props);
    }
    return admin;
  }

  @Override
  public synchronized void close() {
    lastUsed = 0;
    if (refresher != null) refresher.interrupt();
    if (admin != null) admin.close(Duration.ofSeconds(2));
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private static PolicyViolationException violation(String format, Object... args) {
    return new PolicyViolationException(String.format(format, args));
  }

  private static Long number(String value) {
    if (value == null) return null;
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return null; // Kafka itself rejects a malformed number with a clear message
    }
  }

  private static String human(long ms) {
    if (ms % 86_400_000L == 0) return (ms / 86_400_000L) + " days";
    if (ms % 3_600_000L == 0) return (ms / 3_600_000L) + " hours";
    return (ms / 1000) + " s";
  }

  private static int intOf(Map<String, ?> configs, String key, int fallback) {
    Object value = configs.get(key);
    return value == null ? fallback : Integer.parseInt(value.toString().trim());
  }

  private static long longOf(Map<String, ?> configs, String key, long fallback) {
    Object value = configs.get(key);
    return value == null ? fallback : Long.parseLong(value.toString().trim());
  }
}
