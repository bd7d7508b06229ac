package org.sparkbnn.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.SparkSession;
import org.sparkbnn.input.BadInputException;

/**
 * A stage's {@code metadata/part-00000}: one JSON line in the layout of Spark's DefaultParamsWriter (class,
 * timestamp, sparkVersion, uid, paramMap, defaultParamMap), so Spark's Pipeline and CrossValidator readers can
 * dispatch to our classes, plus {@code formatVersion} for our own data layout. Written on any Hadoop file
 * system; written last, so a directory whose save did not finish has no metadata and is refused on load.
 */
final class StageMetadata {
  static final int FORMAT_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  final String uid;
  final ObjectNode json;

  private StageMetadata(String uid, ObjectNode json) {
    this.uid = uid;
    this.json = json;
  }

  @SuppressWarnings("unchecked")
  static void save(Params stage, String path, SparkSession spark) {
    try {
      ObjectNode root = JSON.createObjectNode();
      root.put("class", stage.getClass().getName());
      root.put("timestamp", System.currentTimeMillis());
      root.put("sparkVersion", spark.version());
      root.put("uid", stage.uid());
      ObjectNode set = root.putObject("paramMap");
      ObjectNode defaults = root.putObject("defaultParamMap");
      for (Param<?> p : stage.params()) {
        Param<Object> param = (Param<Object>) p;
        if (stage.isSet(param)) set.set(param.name(), JSON.readTree(param.jsonEncode(stage.get(param).get())));
        if (stage.hasDefault(param)) {
          defaults.set(param.name(), JSON.readTree(param.jsonEncode(stage.getDefault(param).get())));
        }
      }
      root.put("formatVersion", FORMAT_VERSION);
      Path file = new Path(path, "metadata/part-00000");
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(file, true)) {
        out.write((JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      fs.create(new Path(path, "metadata/_SUCCESS"), true).close();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write stage metadata under " + path + ": " + e.getMessage(), e);
    }
  }

  static StageMetadata load(String path, Configuration conf, Class<?> expected) {
    return load(path, conf, expected, false);
  }

  /**
   * As above; {@code paramsOnly}: the stage saves nothing besides its Params, so metadata without a formatVersion
   * is accepted too (Spark's DefaultParamsWriter, which saved the evaluators before they used this class, writes
   * none, and a Params-only stage has no data layout to version).
   */
  static StageMetadata load(String path, Configuration conf, Class<?> expected, boolean paramsOnly) {
    JsonNode root = read(path, conf, expected.getSimpleName());
    String cls = root.get("class").asText();
    if (!cls.equals(expected.getName())) {
      throw new BadInputException("cannot load " + expected.getSimpleName() + " from '" + path
          + "': it holds a " + cls);
    }
    int version = root.path("formatVersion").asInt(-1);
    if (version != FORMAT_VERSION && !(paramsOnly && version == -1)) {
      throw new BadInputException("cannot load " + expected.getSimpleName() + " from '" + path
          + "': format version " + version + " is not supported (this build reads " + FORMAT_VERSION + ")");
    }
    return new StageMetadata(root.get("uid").asText(), (ObjectNode) root);
  }

  /** The class of the stage saved at {@code path} (any stage with Spark's metadata layout, e.g. a PipelineModel). */
  static String storedClass(String path, Configuration conf, String what) {
    return read(path, conf, what).get("class").asText();
  }

  private static JsonNode read(String path, Configuration conf, String what) {
    Path file = new Path(path, "metadata/part-00000");
    JsonNode root;
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (!fs.exists(file)) file = sparkTextPart(fs, new Path(path, "metadata"), file);
      if (!fs.exists(file)) {
        throw new BadInputException("cannot load " + what + " from '" + path
            + "': " + file + " does not exist (not a saved stage, or its save did not finish)");
      }
      try (java.io.InputStream in = fs.open(file)) {
        root = JSON.readTree(in);
      }
    } catch (IOException e) {
      throw new BadInputException("cannot load " + what + " from '" + path
          + "': unreadable metadata " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.has("class") || !root.has("uid")) {
      throw new BadInputException("cannot load " + what + " from '" + path
          + "': metadata " + file + " is truncated or not stage metadata");
    }
    return root;
  }

  /**
   * Spark 4 writes its own stages' metadata (a PipelineModel's, say) as a text data set, {@code part-00000-<id>.txt}
   * rather than 3.5's {@code part-00000}: the one such part if there is one, else {@code fallback}.
   */
  private static Path sparkTextPart(FileSystem fs, Path dir, Path fallback) throws IOException {
    if (!fs.isDirectory(dir)) return fallback;
    for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(dir)) {
      if (f.isFile() && f.getPath().getName().startsWith("part-")) return f.getPath();
    }
    return fallback;
  }

  /**
   * Restores the saved defaults and then the explicitly set Params. Defaults matter too: a fitted model
   * inherits its estimator's defaults (Params.copyValues), which may differ from the model class's own.
   */
  void applyParams(Params stage) {
    apply(stage, "defaultParamMap", true);
    apply(stage, "paramMap", false);
  }

  @SuppressWarnings("unchecked")
  private void apply(Params stage, String section, boolean asDefault) {
    Iterator<Map.Entry<String, JsonNode>> fields = json.path(section).fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      if (!stage.hasParam(e.getKey())) {
        throw new BadInputException("saved Param '" + e.getKey() + "' is unknown to "
            + stage.getClass().getSimpleName());
      }
      Param<Object> param = (Param<Object>) stage.getParam(e.getKey());
      Object value = param.jsonDecode(e.getValue().toString());
      if (asDefault) stage.setDefault(param, value);
      else stage.set(param, value);
    }
  }
}
