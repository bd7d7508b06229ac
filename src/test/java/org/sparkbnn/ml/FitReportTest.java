package org.sparkbnn.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbnn.SparkTestSession;
import org.sparkbnn.SyntheticData;

/**
 * The reportDir Param: every fit writes a self-contained HTML report, and its charts render in a real browser
 * (headless Chromium, which .ci/run installs): the page marks its body once every chart has drawn, and the charts
 * are SVG in the DOM.
 */
class FitReportTest {
  @TempDir Path dir;

  @Test
  void aRegressionFitWritesAReportWhoseThreeChartsRender() throws Exception {
    Path reports = dir.resolve("reports");
    BayesByBackpropRegressor regressor = new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(8).setMaxEpochs(5)
        .setFeaturesCol("x").setReportDir(reports.toString());
    Dataset<Row> data = SyntheticData.sine(SparkTestSession.get(), 300, 0.1, 1, 2).withColumnRenamed("features", "x");
    BayesByBackpropRegressionModel model = regressor.fit(data);
    String html = onlyReport(reports, model.uid());
    // calibrationFraction (0.1 by default) holds rows out of training: the report says how many.
    long heldOut = data.where(HeldOutCalibration.plan(FitSettings.of(regressor), data).heldOut()).count();
    for (String expected : new String[] {"Data and timings", "training rows</td><td>" + (300 - heldOut),
        "interval calibration</td><td>" + heldOut + " rows held out", "Provenance", "seed",
        "featuresCol</td><td>x", "hiddenLayers</td><td>[8]", "Predicted vs actual", "Calibration"}) {
      assertTrue(html.contains(expected), "the report holds '" + expected + "'");
    }
    assertRendered(reports, 3);
  }

  @Test
  void aClassificationFitsReportHasTheReliabilityDiagram() throws Exception {
    Path reports = dir.resolve("classifier-reports");
    BayesByBackpropClassificationModel model = new BayesByBackpropClassifier().setLengthDoublings(0)
        .setHiddenLayers(8).setMaxEpochs(3)
        .setReportDir(reports.toString()).fit(SyntheticData.blobs(SparkTestSession.get(), 300, 1, 2));
    String html = onlyReport(reports, model.uid());
    assertTrue(html.contains("Reliability") && html.contains("3 classes"), "classification report");
    assertRendered(reports, 2);
  }

  @Test
  void aReportThatCannotBeWrittenDoesNotCostTheFit() throws IOException {
    Path notADirectory = dir.resolve("file");
    Files.writeString(notADirectory, "in the way");
    BayesByBackpropRegressionModel model = new BayesByBackpropRegressor().setLengthDoublings(0)
        .setHiddenLayers(4).setMaxEpochs(1)
        .setReportDir(notADirectory.toString()).fit(SyntheticData.sine(SparkTestSession.get(), 50, 0.1, 1, 1));
    assertEquals(1, model.trainingHistory().size(), "the model is returned");
  }

  private static String onlyReport(Path reports, String uid) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(reports)) {
      files = s.filter(f -> f.toString().endsWith(".html")).collect(Collectors.toList()); // Hadoop adds .crc
    }
    assertEquals(1, files.size(), "one report per fit: " + files);
    assertTrue(files.get(0).getFileName().toString().startsWith(uid + "-"), files.get(0).toString());
    return Files.readString(files.get(0));
  }

  /** Loads the report in headless Chromium and checks, in the DOM after scripts ran, that every chart drew. */
  private static void assertRendered(Path reports, int charts) throws Exception {
    String browser = browser();
    Path report;
    try (Stream<Path> s = Files.list(reports)) {
      report = s.filter(f -> f.toString().endsWith(".html")).findFirst().orElseThrow();
    }
    Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--virtual-time-budget=20000", "--dump-dom", report.toUri().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the browser finished");
    assertTrue(dom.contains("data-charts-rendered=\"" + charts + "\""),
        "every chart rendered (data-charts-rendered): " + dom.substring(0, Math.min(600, dom.length())));
    Matcher svg = Pattern.compile("<div class=\"chart\" id=\"chart\\d\"[^>]*>.*?<svg", Pattern.DOTALL).matcher(dom);
    int drawn = 0;
    while (svg.find()) drawn++;
    assertEquals(charts, drawn, "an SVG in every chart's element");
  }

  /** A headless Chromium on the PATH; without one (a machine where it cannot be installed) the check is skipped. */
  private static String browser() {
    for (String name : new String[] {"chromium-headless-shell", "chromium", "google-chrome"}) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (new File(dir, name).canExecute()) return new File(dir, name).getPath();
      }
    }
    String message = "SKIPPED the report rendering check: no headless Chromium on the PATH (.ci/run installs"
        + " Debian's chromium-headless-shell)";
    System.err.println("\n*** " + message + " ***\n");
    Assumptions.abort(message);
    return null;
  }
}
