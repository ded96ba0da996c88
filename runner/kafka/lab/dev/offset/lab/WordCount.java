package dev.offset.lab;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;

import static dev.offset.lab.Tool.describe;
import static dev.offset.lab.Tool.list;
import static dev.offset.lab.Tool.print;
import static dev.offset.lab.Tool.quote;

/**
 * Kafka Streams' word count on topics of the caller's choosing: the topology of Apache Kafka's
 * org.apache.kafka.streams.examples.wordcount.WordCountDemo (which hard-codes streams-plaintext-input and
 * streams-wordcount-output, names a classroom session may not use), with exactly_once_v2 and an in-memory store.
 * It reports in JSON lines on stdout, and stops cleanly at a "stop" line or the end of stdin:
 *
 * <pre>
 * {"reset":true,"deleted":["..."]}             (with --reset true)
 * {"topology":"...","subtopologies":2,"stores":["..."],"repartition":["..."],"changelog":["..."]}
 * {"state":"RUNNING","previous":"REBALANCING","ms":3400}
 * {"tasks":[{"id":"0_0","partitions":["text-0"]},...]}
 * {"ready":true,"ms":3500}                      (RUNNING, and every store caught up with its changelog)
 * {"restore":"start","store":"...","topic":"...","partition":0,"from":0,"to":5}
 * {"restore":"end","store":"...","topic":"...","partition":0,"restored":5}
 * {"transactions":[{"id":"...","state":"CompleteCommit","producerId":7,"producerEpoch":0,"timeoutMs":10000,"partitions":[]}]}
 * {"closed":true,"ms":800}
 * {"error":"..."}
 *
 * java -cp "$LAB_JAVA_CLASSPATH" dev.offset.lab.WordCount --application-id A --input T --output T [options]
 *   --commit-interval-ms MS  how often a task commits its transaction (default 100, Streams' default under EOS)
 *   --reset true             first delete the application's internal topics and its group, as
 *                            kafka-streams-application-reset does, so that it starts with no state
 *   --bootstrap H:P,..       brokers (default: LAB_BROKERS)
 * </pre>
 *
 * A "transactions" line on stdin asks the brokers for the transactions of the application's producers. The login,
 * when the cluster needs one, comes from LAB_SASL_USERNAME and LAB_SASL_PASSWORD (SASL/PLAIN), as in
 * ShareConsumers. Problems end in an {"error":...} line and exit code 1 (2 for arguments it cannot use).
 */
public final class WordCount {
  private static final Map<String, String> DEFAULTS = Map.of("commit-interval-ms", "100", "reset", "false");
  private final Tool options;
  private final long started = System.nanoTime();
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile String failure;
  private volatile boolean ready;
  private final AtomicBoolean watching = new AtomicBoolean();

  private WordCount(Tool options) {
    this.options = options;
  }

  public static void main(String[] args) {
    Tool.main(args, DEFAULTS, List.of("application-id", "input", "output"), options -> new WordCount(options).run());
  }

  /** WordCountDemo's topology, unchanged: split each line into words, count per word, write the counts as longs. */
  static Topology topology(String input, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, String> source = builder.stream(input);
    KTable<String, Long> counts =
        source
            .flatMapValues(value -> Arrays.asList(value.toLowerCase(Locale.getDefault()).split("\\W+")))
            .groupBy((key, value) -> value)
            .count();
    counts.toStream().to(output, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  private int run() throws Exception {
    String applicationId = options.required("application-id");
    Topology topology = topology(options.required("input"), options.required("output"));
    if (options.get("reset").equals("true")) reset(applicationId);
    else if (!options.get("reset").equals("false")) throw new IllegalArgumentException("--reset must be true or false");
    print(describeTopology(applicationId, topology.describe()));

    KafkaStreams streams = new KafkaStreams(topology, streamsProperties(applicationId));
    streams.setStateListener(
        (now, before) -> {
          print(String.format("{\"state\":\"%s\",\"previous\":\"%s\",\"ms\":%d}", now, before, elapsedMs()));
          if (now == KafkaStreams.State.RUNNING) {
            print(tasks(streams.metadataForLocalThreads()));
            if (watching.compareAndSet(false, true)) watchLags(streams);
          }
          if (now == KafkaStreams.State.ERROR) {
            if (failure == null) failure = "the application stopped in state ERROR";
            stop.countDown();
          }
        });
    streams.setUncaughtExceptionHandler(
        error -> {
          failure = describe(error);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setGlobalStateRestoreListener(new Restores());

    Thread commands = new Thread(() -> readCommands(applicationId), "offset-commands");
    commands.setDaemon(true);
    commands.start();
    streams.start();
    stop.await();

    long closing = System.nanoTime();
    // Leaving the group at once lets a new instance of the application take the tasks without waiting for this
    // member's session to time out (a Streams member stays in the group on close unless told otherwise).
    CloseOptions close = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(15));
    boolean closed = streams.close(close);
    if (failure != null) {
      print("{\"error\":" + quote(failure) + "}");
      return 1;
    }
    if (!closed) {
      print("{\"error\":\"the application did not close within 15 s\"}");
      return 1;
    }
    print(String.format("{\"closed\":true,\"ms\":%d}", (System.nanoTime() - closing) / 1_000_000));
    return 0;
  }

  private Properties streamsProperties(String applicationId) throws Exception {
    Properties props = options.clientProperties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(options.number("commit-interval-ms")));
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
    // Every store the DSL makes is an in-memory one (KIP-954): no RocksDB, nothing on disk, and all state comes
    // back from the changelog topic when the application starts again.
    props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class.getName());
    // No record cache: every count update goes to the output and the changelog, as in the kafkajs loop, instead
    // of only the latest per word at each commit.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
    // Streams makes its repartition topics with retention.ms=-1 (it deletes what it has read itself); the course
    // refuses unlimited retention, so its internal topics keep records for a day.
    props.put(StreamsConfig.topicPrefix("retention.ms"), String.valueOf(TimeUnit.DAYS.toMillis(1)));
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("kafka-streams").toString());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    // A member that vanished without leaving (a run that was killed) holds up the next one's rebalance until its
    // session times out: 10 s rather than the default 45.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "10000");
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
    return props;
  }

  /**
   * Deletes the application's repartition and changelog topics and its consumer group (with its committed
   * offsets). A group that still has a member (a run killed without a clean close) keeps its offsets until that
   * member's session times out; the lessons' input topics are made afresh anyway, which drops them.
   */
  private void reset(String applicationId) throws Exception {
    try (Admin admin = Admin.create(options.clientProperties())) {
      List<String> internal =
          admin.listTopics().names().get(15, TimeUnit.SECONDS).stream()
              .filter(name -> name.startsWith(applicationId + "-") && (name.endsWith("-repartition") || name.endsWith("-changelog")))
              .sorted()
              .toList();
      if (!internal.isEmpty()) {
        admin.deleteTopics(internal).all().get(15, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (admin.listTopics().names().get(15, TimeUnit.SECONDS).stream().anyMatch(internal::contains)) {
          if (System.nanoTime() > deadline) throw new IllegalStateException("the old internal topics were not deleted within 15 s");
          Thread.sleep(100);
        }
      }
      try {
        admin.deleteConsumerGroups(List.of(applicationId)).all().get(15, TimeUnit.SECONDS);
      } catch (ExecutionException error) {
        if (!(error.getCause() instanceof GroupNotEmptyException) && !(error.getCause() instanceof GroupIdNotFoundException)) throw error;
      }
      print("{\"reset\":true,\"deleted\":" + list(internal) + "}");
    }
  }

  /**
   * Prints {"ready":true} once every local store has caught up with its changelog. RUNNING alone does not say so:
   * the state updater thread may still be restoring a store while the application already counts as RUNNING.
   */
  private void watchLags(KafkaStreams streams) {
    Thread watcher =
        new Thread(
            () -> {
              while (!ready && stop.getCount() > 0) {
                try {
                  Map<String, Map<Integer, LagInfo>> lags = streams.allLocalStorePartitionLags();
                  boolean caughtUp = !lags.isEmpty() && lags.values().stream().flatMap(m -> m.values().stream()).allMatch(lag -> lag.offsetLag() == 0);
                  if (caughtUp && streams.state() == KafkaStreams.State.RUNNING) {
                    ready = true;
                    print(String.format("{\"ready\":true,\"ms\":%d}", elapsedMs()));
                    return;
                  }
                  Thread.sleep(50);
                } catch (InterruptedException error) {
                  return;
                } catch (Exception error) {
                  // Rebalancing again, or closing: ask again.
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException interrupted) {
                    return;
                  }
                }
              }
            },
            "offset-ready");
    watcher.setDaemon(true);
    watcher.start();
  }

  /** The topology's text and its internal topics, with the names Streams gives them (prefixed by the application id). */
  static String describeTopology(String applicationId, TopologyDescription description) {
    TreeSet<String> stores = new TreeSet<>();
    TreeSet<String> repartition = new TreeSet<>();
    for (TopologyDescription.Subtopology sub : description.subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        if (node instanceof TopologyDescription.Processor processor) stores.addAll(processor.stores());
        if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
          for (String name : source.topicSet()) if (name.endsWith("-repartition")) repartition.add(internal(applicationId, name));
        }
      }
    }
    List<String> changelog = stores.stream().map(store -> applicationId + "-" + store + "-changelog").toList();
    return String.format(
        "{\"topology\":%s,\"subtopologies\":%d,\"stores\":%s,\"repartition\":%s,\"changelog\":%s}",
        quote(description.toString()),
        description.subtopologies().size(),
        list(stores),
        list(repartition),
        list(changelog));
  }

  private static String internal(String applicationId, String name) {
    return name.startsWith(applicationId + "-") ? name : applicationId + "-" + name;
  }

  private static String tasks(java.util.Set<ThreadMetadata> threads) {
    List<String> tasks = new ArrayList<>();
    for (ThreadMetadata thread : threads) {
      for (TaskMetadata task : thread.activeTasks()) {
        List<String> partitions = task.topicPartitions().stream().map(TopicPartition::toString).sorted().toList();
        tasks.add(String.format("{\"id\":%s,\"partitions\":%s}", quote(task.taskId().toString()), list(partitions)));
      }
    }
    tasks.sort(null);
    return "{\"tasks\":[" + String.join(",", tasks) + "]}";
  }

  /** Reads stdin: "transactions" lists them, "stop" or the end of input stops the application. */
  private void readCommands(String applicationId) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        String command = line.trim();
        if (command.equals("stop")) break;
        if (command.equals("transactions")) print(transactions(applicationId));
        else if (!command.isEmpty()) print("{\"error\":" + quote("unknown command " + command) + "}");
      }
    } catch (Exception error) {
      // Nothing more to read: stop as at the end of input.
    }
    stop.countDown();
  }

  /**
   * The transactions of the application's producers, as the brokers' transaction coordinators know them. Under
   * exactly_once_v2 each stream thread's producer has the transactional id {@code <application.id>-<process id>-<thread>}.
   */
  private String transactions(String applicationId) {
    try (Admin admin = Admin.create(options.clientProperties())) {
      List<String> ids =
          admin.listTransactions().all().get(15, TimeUnit.SECONDS).stream()
              .map(TransactionListing::transactionalId)
              .filter(id -> id.startsWith(applicationId + "-"))
              .sorted()
              .toList();
      if (ids.isEmpty()) return "{\"transactions\":[]}";
      Map<String, TransactionDescription> described = admin.describeTransactions(ids).all().get(15, TimeUnit.SECONDS);
      List<String> out = new ArrayList<>();
      for (String id : ids) {
        TransactionDescription d = described.get(id);
        List<String> partitions = d.topicPartitions().stream().map(TopicPartition::toString).sorted().toList();
        out.add(
            String.format(
                "{\"id\":%s,\"state\":%s,\"producerId\":%d,\"producerEpoch\":%d,\"timeoutMs\":%d,\"partitions\":%s}",
                quote(id),
                quote(d.state().toString()),
                d.producerId(),
                d.producerEpoch(),
                d.transactionTimeoutMs(),
                list(partitions)));
      }
      return "{\"transactions\":[" + String.join(",", out) + "]}";
    } catch (Exception error) {
      return "{\"error\":" + quote("listing transactions: " + describe(error)) + "}";
    }
  }

  /** Reports each store partition's restore from its changelog: where it starts, and how many records it read. */
  private final class Restores implements StateRestoreListener {
    @Override
    public void onRestoreStart(TopicPartition partition, String store, long from, long to) {
      print(
          String.format(
              "{\"restore\":\"start\",\"store\":%s,\"topic\":%s,\"partition\":%d,\"from\":%d,\"to\":%d,\"ms\":%d}",
              quote(store), quote(partition.topic()), partition.partition(), from, to, elapsedMs()));
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {}

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long restored) {
      print(
          String.format(
              "{\"restore\":\"end\",\"store\":%s,\"topic\":%s,\"partition\":%d,\"restored\":%d,\"ms\":%d}",
              quote(store), quote(partition.topic()), partition.partition(), restored, elapsedMs()));
    }
  }

  private long elapsedMs() {
    return (System.nanoTime() - started) / 1_000_000;
  }
}
