package org.sparkbnn.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparkbnn.bayes.IntervalCalibration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamPair;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparkbnn.train.EpochSummary;
import org.sparkbnn.input.BadInputException;

/**
 * A fit's run report: one self-contained HTML file (the chart library, Apache ECharts, is inlined, so the page
 * works offline) with the training curves (-ELBO, NLL and KL per epoch); on a sample of rows, predicted vs actual
 * with 90% intervals and the calibration curve (regression) or the reliability diagram (classification); every
 * Param; the data summary and timings of the fit; and its provenance (versions, seed, input, data fingerprint).
 * Charts are rendered as SVG; when all have rendered the page sets {@code data-charts-rendered} on its body.
 */
public final class FitReport {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FitReport.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
  /** Rows of the sample scored for the predictive charts, and the most drawn as points. */
  static final int SAMPLE_ROWS = 2000;
  private static final int POINTS = 300;

  private FitReport() {}

  /**
   * Writes the report of {@code model} to {@code path} (any Hadoop file system), scoring up to
   * {@value #SAMPLE_ROWS} rows of {@code data} (which holds the model's features and label columns) for the
   * predictive charts. {@code input} names the data's source for the provenance ("" if unknown).
   */
  public static void write(org.apache.spark.ml.Model<?> model, Dataset<?> data, String input, String path) {
    String html = render(model, data, input);
    try {
      Path file = new Path(path);
      FileSystem fs = file.getFileSystem(data.sparkSession().sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(file, true)) {
        out.write(html.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new BadInputException("cannot write the fit report to '" + path + "': " + BadInputException.reason(e), e);
    }
  }

  /**
   * The report of a fit that the reportDir Param asked for, as {@code <reportDir>/<uid>-<time>.html}: one file per
   * fit, so the fits of a CrossValidator (copies of one estimator) do not replace each other's. {@code model}
   * carries the estimator's Params.
   */
  static void writeIfAsked(FitSettings settings, org.apache.spark.ml.Model<?> model, Dataset<?> data) {
    String dir = settings.reportDir();
    if (dir.isEmpty()) return;
    String time = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS")
        .format(java.time.LocalDateTime.now());
    String path = new Path(dir, model.uid() + "-" + time + ".html").toString();
    try {
      write(model, data, String.join(",", data.inputFiles()), path);
      LOG.info("Bayes by Backprop: fit report written to {}", path);
    } catch (BadInputException e) {
      // The fit is done and is returned: a report that cannot be written must not cost the model.
      LOG.warn("Bayes by Backprop: reportDir={}: {}", dir, e.getMessage());
    }
  }

  static String render(org.apache.spark.ml.Model<?> model, Dataset<?> data, String input) {
    FittedNetwork fitted;
    String labelCol;
    if (model instanceof BayesByBackpropRegressionModel) {
      fitted = ((BayesByBackpropRegressionModel) model).fitted();
      labelCol = ((BayesByBackpropRegressionModel) model).getLabelCol();
    } else if (model instanceof BayesByBackpropClassificationModel) {
      fitted = ((BayesByBackpropClassificationModel) model).fitted();
      labelCol = ((BayesByBackpropClassificationModel) model).getLabelCol();
    } else {
      throw new IllegalArgumentException("not a spark-bnn model: " + model.getClass().getName());
    }
    Dataset<Row> scored = model.transform(data.limit(SAMPLE_ROWS));
    List<Row> rows = fitted.spec.isClassification()
        ? scored.select(labelCol, "probability").collectAsList()
        : scored.select(labelCol, "prediction", "variance").collectAsList();

    List<ObjectNode> charts = new ArrayList<>();
    charts.add(trainingCurves(fitted.history));
    if (fitted.spec.isClassification()) {
      charts.add(reliability(rows));
    } else {
      charts.add(predictedVsActual(rows, fitted.calibration));
      charts.add(calibration(rows, fitted.calibration));
    }
    StringBuilder body = new StringBuilder();
    body.append("<h1>spark-bnn fit report</h1>\n<p>").append(escape(model.uid())).append(": ")
        .append(fitted.spec.isClassification() ? "classification, " + fitted.spec.numClasses + " classes"
            : "regression, " + fitted.spec.noiseModel() + " noise model")
        .append(", hidden layers ").append(escape(java.util.Arrays.toString(fitted.spec.hiddenLayers)))
        .append(", ").append(fitted.history.size()).append(" epochs. Predictive charts: ").append(rows.size())
        .append(" rows of the training data (in-sample).</p>\n");
    for (int i = 0; i < charts.size(); i++) {
      body.append("<div class=\"chart\" id=\"chart").append(i).append("\"></div>\n");
    }
    body.append(table("Data and timings", fitted.details == null
        ? Map.of("fit", "not recorded (a model loaded from disk)") : fitted.details.summary));
    body.append(table("Provenance", provenance(fitted, input)));
    body.append(table("Params", params(model)));

    ArrayNode options = JSON.createArrayNode();
    charts.forEach(options::add);
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>spark-bnn fit report</title>\n<style>"
        + "body{font-family:sans-serif;margin:2em;max-width:1100px}.chart{width:1000px;height:380px;margin:1em 0}"
        + "table{border-collapse:collapse;margin:1em 0}td{border:1px solid #ccc;padding:2px 8px;font-size:13px;"
        + "vertical-align:top}</style>\n<script>" + echarts() + "</script>\n</head><body>\n" + body
        + "<script>\nconst options = " + options.toString().replace("</", "<\\/") + ";\nlet rendered = 0;\n"
        + "options.forEach((o, i) => {\n  const chart = echarts.init(document.getElementById('chart' + i), null,"
        + " {renderer: 'svg'});\n  chart.on('finished', () => { if (!chart.counted) { chart.counted = true;"
        + " rendered++; if (rendered === options.length) document.body.setAttribute('data-charts-rendered',"
        + " String(rendered)); } });\n  chart.setOption(Object.assign({animation: false}, o));\n});\n</script>\n"
        + "</body></html>\n";
  }

  private static ObjectNode chart(String title, String xName, String yName) {
    ObjectNode o = JSON.createObjectNode();
    o.putObject("title").put("text", title);
    o.putObject("tooltip").put("trigger", "axis");
    o.putObject("legend").put("top", 28);
    o.putObject("grid").put("top", 70);
    o.putObject("xAxis").put("type", "value").put("name", xName).put("nameLocation", "middle").put("nameGap", 28)
        .put("scale", true);
    o.putArray("yAxis").addObject().put("type", "value").put("name", yName).put("scale", true);
    o.putArray("series");
    return o;
  }

  private static ArrayNode series(ObjectNode chart, String name, String type) {
    ObjectNode s = ((ArrayNode) chart.get("series")).addObject().put("name", name).put("type", type);
    if (type.equals("line")) s.put("showSymbol", false);
    return s.putArray("data");
  }

  private static ObjectNode trainingCurves(List<EpochSummary> history) {
    ObjectNode c = chart("Training: per-row -ELBO and NLL, and KL, per epoch", "epoch", "per row");
    ((ArrayNode) c.get("yAxis")).addObject().put("type", "value").put("name", "KL").put("scale", true);
    ArrayNode elbo = series(c, "-ELBO per row", "line");
    ArrayNode nll = series(c, "NLL per row", "line");
    ArrayNode kl = series(c, "KL", "line");
    ((ObjectNode) c.get("series").get(2)).put("yAxisIndex", 1);
    for (EpochSummary e : history) {
      elbo.addArray().add(e.epoch()).add(e.negativeElbo());
      nll.addArray().add(e.epoch()).add(e.nll());
      kl.addArray().add(e.epoch()).add(e.kl());
    }
    return c;
  }

  /** Each drawn row's actual label against its predictive mean, with the central 90% interval as a segment. */
  private static ObjectNode predictedVsActual(List<Row> rows, IntervalCalibration calibration) {
    ObjectNode c = chart("Predicted vs actual, with 90% intervals", "actual", "predicted");
    ((ObjectNode) c.get("tooltip")).put("trigger", "item");
    ArrayNode intervals = series(c, "90% interval", "line");
    ((ObjectNode) c.get("series").get(0)).put("connectNulls", false).putObject("lineStyle").put("opacity", 0.35);
    ArrayNode points = series(c, "predictive mean", "scatter");
    ((ObjectNode) c.get("series").get(1)).put("symbolSize", 5);
    ArrayNode diagonal = series(c, "predicted = actual", "line");
    double z = calibration.halfWidth(0.9);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < Math.min(POINTS, rows.size()); i++) {
      Row r = rows.get(i);
      double y = number(r.get(0));
      double mean = r.getDouble(1);
      double half = z * Math.sqrt(r.getDouble(2));
      intervals.addArray().add(y).add(mean - half);
      intervals.addArray().add(y).add(mean + half);
      intervals.addArray().add(y).add("-");
      points.addArray().add(y).add(mean);
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
    if (lo <= hi) {
      diagonal.addArray().add(lo).add(lo);
      diagonal.addArray().add(hi).add(hi);
    }
    return c;
  }

  /**
   * Observed coverage of the model's central intervals (calibrated when it is) at nominal levels 5%..95%: on the
   * diagonal when they are calibrated, above it when they are too wide.
   */
  private static ObjectNode calibration(List<Row> rows, IntervalCalibration intervals) {
    ObjectNode c = chart("Calibration: observed vs nominal coverage of central intervals", "nominal level",
        "observed coverage");
    ArrayNode observed = series(c, "observed", "line");
    ((ObjectNode) c.get("series").get(0)).put("showSymbol", true);
    ArrayNode ideal = series(c, "ideal", "line");
    for (int k = 1; k <= 19; k++) {
      double level = k * 0.05;
      double z = intervals.halfWidth(level);
      int inside = 0;
      for (Row r : rows) {
        if (Math.abs(number(r.get(0)) - r.getDouble(1)) <= z * Math.sqrt(r.getDouble(2))) inside++;
      }
      observed.addArray().add(level).add(rows.isEmpty() ? 0 : (double) inside / rows.size());
      ideal.addArray().add(level).add(level);
    }
    return c;
  }

  /** Accuracy against mean confidence (the largest class probability) in ten equal-width confidence bins. */
  private static ObjectNode reliability(List<Row> rows) {
    ObjectNode c = chart("Reliability: accuracy vs confidence (10 bins)", "confidence", "accuracy");
    ArrayNode accuracy = series(c, "accuracy", "line");
    ((ObjectNode) c.get("series").get(0)).put("showSymbol", true);
    ArrayNode ideal = series(c, "ideal", "line");
    int[] count = new int[10];
    double[] confidence = new double[10];
    int[] correct = new int[10];
    for (Row r : rows) {
      Vector p = (Vector) r.get(1);
      int predicted = p.argmax();
      int bin = Math.min(9, (int) (p.apply(predicted) * 10));
      count[bin]++;
      confidence[bin] += p.apply(predicted);
      if (predicted == (int) number(r.get(0))) correct[bin]++;
    }
    for (int b = 0; b < 10; b++) {
      if (count[b] > 0) accuracy.addArray().add(confidence[b] / count[b]).add((double) correct[b] / count[b]);
    }
    ideal.addArray().add(0.0).add(0.0);
    ideal.addArray().add(1.0).add(1.0);
    return c;
  }

  private static double number(Object value) {
    return ((Number) value).doubleValue();
  }

  private static Map<String, String> provenance(FittedNetwork fitted, String input) {
    Map<String, String> p = new java.util.LinkedHashMap<>();
    if (fitted.provenance != null) p.putAll(fitted.provenance);
    else p.put("fit", "provenance not recorded (saved before spark-bnn recorded it)");
    p.put("input", input.isEmpty() ? "(not named)" : input);
    p.put("parameters digest", fitted.digest());
    p.put("initial model", fitted.initialModel == null ? "none" : fitted.initialModel);
    return p;
  }

  private static Map<String, String> params(org.apache.spark.ml.Model<?> model) {
    Map<String, String> p = new java.util.TreeMap<>();
    for (ParamPair<?> pair : ((Params) model).extractParamMap().toList()) {
      Object v = pair.value();
      p.put(pair.param().name(), v instanceof int[] ? java.util.Arrays.toString((int[]) v) : String.valueOf(v));
    }
    return p;
  }

  private static String table(String title, Map<String, String> rows) {
    StringBuilder t = new StringBuilder("<h2>").append(escape(title)).append("</h2>\n<table>\n");
    rows.forEach((k, v) -> t.append("<tr><td>").append(escape(k)).append("</td><td>").append(escape(v))
        .append("</td></tr>\n"));
    return t.append("</table>\n").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String echarts() {
    try (InputStream in = FitReport.class.getClassLoader().getResourceAsStream(ECHARTS)) {
      if (in == null) throw new IllegalStateException("the chart library " + ECHARTS + " is not on the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + ECHARTS + ": " + e.getMessage(), e);
    }
  }
}
