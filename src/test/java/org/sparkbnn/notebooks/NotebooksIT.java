package org.sparkbnn.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code %spark} paragraph of every note in {@code notebooks/} runs, in order, against the built classes
 * ({@link NotebookRunner} in a JVM of its own), with the note parameters pointing at this checkout's data and a
 * scratch output directory. A failure names the note and the paragraph.
 */
class NotebooksIT {
  @TempDir Path scratch;

  @Test
  void everyScalaParagraphOfEveryNoteRuns() throws IOException, InterruptedException {
    List<String> notes;
    try (Stream<Path> files = Files.list(Path.of("notebooks"))) {
      notes = files.filter(f -> f.toString().endsWith(".zpln")).sorted().map(Path::toString)
          .collect(Collectors.toCollection(ArrayList::new));
    }
    assertTrue(notes.size() >= 4, "the notes: " + notes);
    // A control: a note whose second paragraph throws must be reported, naming it, or a pass means nothing.
    Path broken = scratch.resolve("broken.zpln");
    Files.writeString(broken, "{\"paragraphs\": [{\"text\": \"%spark\\nval fine = 1\"}, {\"title\": \"throws\","
        + " \"text\": \"%spark\\nthrow new IllegalStateException(\\\"boom\\\")\"}]}");
    notes.add(broken.toString());
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(Arrays.asList(System.getProperty("bnn.jvmFlags", "").trim().split("\\s+")));
    String nativeCache = System.getProperty("org.bytedeco.javacpp.cachedir");
    if (nativeCache != null) command.add("-Dorg.bytedeco.javacpp.cachedir=" + nativeCache);
    command.addAll(List.of("-Xmx2g", "-Dnotebook.bnnHome=" + Path.of("").toAbsolutePath(),
        "-Dnotebook.outputDir=" + scratch, "-cp", System.getProperty("java.class.path"),
        NotebookRunner.class.getName()));
    command.addAll(notes);
    command.removeIf(String::isEmpty);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = p.waitFor();
    System.out.println(output);
    List<String> failures = output.lines().filter(l -> l.startsWith("FAILED ")).collect(Collectors.toList());
    assertEquals(List.of("FAILED " + broken + ", paragraph 2 (throws): Error"), failures,
        "only the control fails (full output in the test's report)");
    assertEquals(1, status);
    assertEquals(notes.size() - 1, output.lines().filter(l -> l.startsWith("OK ")).count(), output);
  }
}
