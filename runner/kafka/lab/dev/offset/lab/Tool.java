package dev.offset.lab;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * What the lab's Java tools share: their `--name value` options, the client settings every tool connects with
 * (the brokers and, when the cluster needs one, the session's login), and their output, one JSON object per line.
 */
final class Tool {
  /** A tool's work: runs with the parsed options and returns the exit code. */
  interface Body {
    int run(Tool tool) throws Exception;
  }

  private final Map<String, String> options;

  private Tool(Map<String, String> options) {
    this.options = options;
  }

  /**
   * Parses `args` (`--name value` pairs: the names of `defaults`, `named` and `--bootstrap`), runs `body` and exits
   * with its code. Problems end in an {"error":...} line and exit code 1, or 2 for arguments it cannot use.
   */
  static void main(String[] args, Map<String, String> defaults, List<String> named, Body body) {
    try {
      System.exit(body.run(new Tool(parse(args, defaults, named))));
    } catch (IllegalArgumentException error) {
      print("{\"error\":" + quote(error.getMessage()) + "}");
      System.exit(2);
    } catch (Exception error) {
      print("{\"error\":" + quote(describe(error)) + "}");
      System.exit(1);
    }
  }

  private static Map<String, String> parse(String[] args, Map<String, String> defaults, List<String> named) {
    Map<String, String> options = new HashMap<>(defaults);
    for (int i = 0; i < args.length; i += 2) {
      String key = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (i + 1 >= args.length) throw new IllegalArgumentException("option " + args[i] + " needs a value");
      if (!defaults.containsKey(key) && !named.contains(key) && !key.equals("bootstrap")) {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
      options.put(key, args[i + 1]);
    }
    return options;
  }

  /** The option's value, or null when it was not given and has no default. */
  String get(String key) {
    return options.get(key);
  }

  String required(String key) {
    String value = options.get(key);
    if (value == null || value.isEmpty()) throw new IllegalArgumentException("--" + key + " is required");
    return value;
  }

  int number(String key) {
    try {
      int value = Integer.parseInt(options.get(key));
      if (value < 0) throw new NumberFormatException();
      return value;
    } catch (NumberFormatException error) {
      throw new IllegalArgumentException("--" + key + " must be a whole number, 0 or more");
    }
  }

  /**
   * The settings every client of a tool starts from: the brokers (--bootstrap, else LAB_BROKERS), the login from
   * LAB_SASL_USERNAME and LAB_SASL_PASSWORD (SASL/PLAIN) when there is one, and timeouts of seconds.
   */
  Properties clientProperties() {
    Properties props = new Properties();
    String bootstrap = options.getOrDefault("bootstrap", System.getenv("LAB_BROKERS"));
    if (bootstrap == null || bootstrap.isEmpty()) throw new IllegalArgumentException("no brokers: pass --bootstrap or set LAB_BROKERS");
    props.put("bootstrap.servers", bootstrap);
    String username = System.getenv("LAB_SASL_USERNAME");
    if (username != null && !username.isEmpty()) {
      String password = System.getenv().getOrDefault("LAB_SASL_PASSWORD", "");
      props.put("security.protocol", "SASL_PLAINTEXT");
      props.put("sasl.mechanism", "PLAIN");
      props.put(
          "sasl.jaas.config",
          "org.apache.kafka.common.security.plain.PlainLoginModule required username=" + quote(username) + " password=" + quote(password) + ";");
    }
    // Fail in seconds rather than retry for a minute when the cluster is unreachable.
    props.put("default.api.timeout.ms", "15000");
    props.put("request.timeout.ms", "10000");
    return props;
  }

  /** The message of an error and of its causes, without the stack. */
  static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable e = error; e != null; e = e.getCause()) {
      // Futures wrap the real error, and their message only repeats it.
      if (e instanceof ExecutionException && e.getCause() != null) continue;
      String line = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      if (text.indexOf(line) < 0) text.append(text.length() == 0 ? "" : " <- ").append(line);
    }
    return text.toString();
  }

  /** One line at a time, whole, whichever thread prints it. */
  static synchronized void print(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** A JSON array of strings. */
  static String list(Collection<String> items) {
    return items.stream().map(Tool::quote).collect(Collectors.joining(",", "[", "]"));
  }

  /** A JSON string literal (or null). */
  static String quote(String text) {
    if (text == null) return "null";
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }
}
