package org.sparkbnn.jobs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Running the command line from the jobs' tests: in-process with its error output captured, or as a JVM of its own. */
final class CliRuns {
  static final String DIABETES = "jobs/data/diabetes.csv";
  private static List<String> diabetes;

  private CliRuns() {}

  /** The lines of the bundled diabetes CSV, header first. */
  static synchronized List<String> diabetes() {
    if (diabetes == null) {
      try {
        diabetes = List.copyOf(Files.readAllLines(Path.of(DIABETES)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return diabetes;
  }

  /** The diabetes CSV, written to {@code dir}, with data row {@code row} (1-based) having column {@code column} replaced. */
  static String diabetesWith(Path dir, String name, int row, int column, String value) throws IOException {
    List<String> lines = new ArrayList<>(diabetes());
    String[] cells = lines.get(row).split(",", -1);
    cells[column] = value;
    lines.set(row, String.join(",", cells));
    Path p = dir.resolve(name);
    Files.write(p, lines);
    return p.toString();
  }

  /** Exit code and what the job printed to standard error. */
  record Run(int code, String err) {}

  static Run run(String... argv) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new Run(BnnCli.run(argv), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  static String[] quickTrain(String input, String model) {
    return new String[] {"train", "--input", input, "--label", "progression", "--model", model, "--param",
        "maxEpochs=3", "--param", "hiddenLayers=8"};
  }

  /** The command line as a user runs it: a JVM of its own with the jobs' flags and logging configuration. */
  static Process bnnProcess(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(Arrays.asList(System.getProperty("bnn.jvmFlags", "").trim().split("\\s+")));
    String nativeCache = System.getProperty("org.bytedeco.javacpp.cachedir");
    if (nativeCache != null) command.add("-Dorg.bytedeco.javacpp.cachedir=" + nativeCache);
    command.addAll(List.of("-Xmx2g", "-Dlog4j2.configurationFile=conf/log4j2.properties",
        "-Dbnn.log.file=" + log, "-cp", System.getProperty("java.class.path"), BnnCli.class.getName()));
    command.addAll(Arrays.asList(args));
    command.removeIf(String::isEmpty);
    return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** What jobs/bnn shows on the terminal: spark-bnn's lines but the progress log, without the JVM's module notice. */
  static List<String> shownOnTerminal(String err) {
    return err.lines().filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d INFO .*"))
        .filter(l -> !l.equals("WARNING: Using incubator modules: jdk.incubator.vector")).collect(Collectors.toList());
  }
}
