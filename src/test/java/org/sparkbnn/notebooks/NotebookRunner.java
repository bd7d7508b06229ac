package org.sparkbnn.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;

/**
 * Runs the {@code %spark} (Scala) paragraphs of Zeppelin notes in order, in the Scala compiler's REPL, which is
 * what Zeppelin's Spark interpreter runs: {@code spark} is bound to a local session created after the REPL, and
 * {@code z} offers the ZeppelinContext calls the notes use ({@code show}, {@code textbox}: a note parameter, here
 * read from the system property {@code notebook.<name>}). Exit status 0 when every paragraph of every note ran;
 * otherwise a line naming the note and paragraph, with what the REPL printed, and status 1.
 *
 * <p>Run in a JVM of its own ({@link NotebooksIT}): the SparkContext must be created after the REPL.
 */
public final class NotebookRunner {
  /** What Zeppelin provides before the first paragraph. */
  private static final String PRELUDE = String.join("\n",
      "val spark = org.apache.spark.sql.SparkSession.builder().master(\"local[2]\").appName(\"notebook\")"
          + ".config(\"spark.ui.enabled\", \"false\").config(\"spark.sql.shuffle.partitions\", \"4\").getOrCreate()",
      "val sc = spark.sparkContext",
      "import spark.implicits._",
      "object z extends Serializable {",
      "  def show(df: org.apache.spark.sql.Dataset[_]): Unit = df.show(10, false)",
      "  def textbox(name: String, default: String = \"\"): Object = sys.props.getOrElse(\"notebook.\" + name, default)",
      "}");

  private NotebookRunner() {}

  public static void main(String[] notes) throws IOException {
    int failed = 0;
    for (String note : notes) {
      String failure = run(Path.of(note));
      if (failure != null) {
        System.out.println("FAILED " + failure);
        failed++;
      } else {
        System.out.println("OK " + note);
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }

  /** Null when every paragraph ran, else what failed. */
  static String run(Path note) throws IOException {
    JsonNode root = new ObjectMapper().readTree(note.toFile());
    List<String[]> paragraphs = new ArrayList<>();
    int index = 0;
    for (JsonNode p : root.path("paragraphs")) {
      index++;
      String text = p.path("text").asText("");
      String first = text.lines().findFirst().orElse("").trim();
      if (!first.equals("%spark")) continue;
      String title = p.path("title").asText("");
      paragraphs.add(new String[] {index + (title.isEmpty() ? "" : " (" + title + ")"),
          text.substring(text.indexOf('\n') + 1)});
    }
    if (paragraphs.isEmpty()) return note + ": no %spark paragraph";
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintWriter out = new PrintWriter(output, true, StandardCharsets.UTF_8);
    IMain repl = newRepl(out);
    try {
      String failure = interpret(repl, output, PRELUDE, note + ", the ZeppelinContext prelude");
      for (String[] p : paragraphs) {
        if (failure != null) break;
        long start = System.nanoTime();
        failure = interpret(repl, output, p[1], note + ", paragraph " + p[0]);
        System.out.printf("%s paragraph %s: %.1f s%n", note.getFileName(), p[0], (System.nanoTime() - start) / 1e9);
      }
      interpret(repl, output, "spark.stop()", "stop");
      return failure;
    } finally {
      repl.close();
    }
  }

  private static String interpret(IMain repl, ByteArrayOutputStream output, String code, String where) {
    output.reset();
    String result = String.valueOf(repl.interpret(code));
    String printed = output.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    return result.equals("Success") ? null : where + ": " + result + "\n" + printed;
  }

  /**
   * The REPL on the test's class path. Its constructor differs between the Spark lines' Scala versions: 2.13 takes
   * a ReplReporter, 2.12 a PrintWriter.
   */
  private static IMain newRepl(PrintWriter out) {
    Settings settings = new Settings();
    settings.processArgumentString("-usejavacp -classpath " + System.getProperty("java.class.path"));
    try {
      try {
        Class<?> reporterClass = Class.forName("scala.tools.nsc.interpreter.shell.ReplReporterImpl");
        Object reporter = reporterClass.getConstructor(Settings.class, PrintWriter.class).newInstance(settings, out);
        Class<?> reporterType = Class.forName("scala.tools.nsc.interpreter.ReplReporter");
        return IMain.class.getConstructor(Settings.class, reporterType).newInstance(settings, reporter);
      } catch (ClassNotFoundException scala212) {
        return IMain.class.getConstructor(Settings.class, PrintWriter.class).newInstance(settings, out);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot start the Scala REPL: " + e, e);
    }
  }
}
