package org.sparkbnn.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --name value} options, {@code --flag} switches and repeatable {@code --param key=value}; every option
 * must be consumed by the job, so a misspelt option is a usage error rather than silently ignored.
 */
final class JobArgs {
  private final Map<String, String> options = new LinkedHashMap<>();
  private final List<String> params = new ArrayList<>();

  JobArgs(String[] argv, int from, String... switches) {
    for (int i = from; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) throw new UsageException("unexpected argument '" + a + "'");
      String name = a.substring(2);
      if (java.util.Arrays.asList(switches).contains(name)) {
        options.put(name, "true");
        continue;
      }
      if (i + 1 >= argv.length) throw new UsageException("option --" + name + " needs a value");
      String value = argv[++i];
      if (name.equals("param")) params.add(value);
      else if (options.put(name, value) != null) throw new UsageException("option --" + name + " given twice");
    }
  }

  String required(String name) {
    String v = options.remove(name);
    if (v == null) throw new UsageException("missing required option --" + name);
    return v;
  }

  String value(String name, String fallback) {
    String v = options.remove(name);
    return v == null ? fallback : v;
  }

  boolean flag(String name) {
    return options.remove(name) != null;
  }

  int intValue(String name, int fallback) {
    return number(name, fallback, Integer::valueOf, "an integer");
  }

  double doubleValue(String name, double fallback) {
    return number(name, fallback, Double::valueOf, "a number");
  }

  /** Option {@code name} parsed by {@code parse}, or {@code fallback} if absent; a usage error if it does not parse. */
  private <T> T number(String name, T fallback, java.util.function.Function<String, T> parse, String what) {
    String v = options.remove(name);
    if (v == null) return fallback;
    try {
      return parse.apply(v);
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + name + " must be " + what + ", got '" + v + "'");
    }
  }

  int[] intList(String name, int[] fallback) {
    String v = options.remove(name);
    if (v == null) return fallback;
    try {
      return java.util.Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + name + " must be a comma-separated list of integers, got '" + v + "'");
    }
  }

  /**
   * Stage Params: those of {@code --params-file FILE} (a Java properties file of Param names and values, e.g.
   * conf/regressor.properties), then the {@code --param key=value} pairs, which override the file.
   */
  Map<String, String> params() {
    Map<String, String> out = new LinkedHashMap<>();
    String file = options.remove("params-file");
    if (file != null) {
      java.util.Properties props = new java.util.Properties();
      try (java.io.Reader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file))) {
        props.load(r);
      } catch (java.io.IOException e) {
        throw new UsageException("cannot read --params-file '" + file + "': " + e.getMessage());
      }
      new java.util.TreeMap<>(props).forEach((k, v) -> out.put(k.toString().trim(), v.toString().trim()));
    }
    for (String p : params) {
      int eq = p.indexOf('=');
      if (eq <= 0) throw new UsageException("--param takes key=value, got '" + p + "'");
      out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    params.clear();
    return out;
  }

  /** Fails on any option the job did not read. */
  void finish() {
    if (!options.isEmpty()) throw new UsageException("unknown option(s): --" + String.join(", --", options.keySet()));
    if (!params.isEmpty()) throw new UsageException("this command takes no --param");
  }
}
