package org.sparkbnn.ml;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;

/**
 * Where a fitted model came from, saved with it (as Tribuo does): the versions that fitted it, the seed, and the
 * data fingerprint that checkpoints are matched by. Shown by the fit report and the predict job.
 */
final class Provenance {
  private Provenance() {}

  static Map<String, String> of(FitSettings settings, Map<String, String> fingerprint, SparkSession spark) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spark-bnn", version("org.sparkbnn", "spark-bnn"));
    p.put("Spark", spark.version());
    p.put("ND4J", version("org.nd4j", "nd4j-api"));
    p.put("Java", System.getProperty("java.version"));
    p.put("seed", String.valueOf(settings.seed()));
    p.put("data fingerprint", fingerprint.get("dataMoments") + ", rows per partition "
        + fingerprint.get("rowsPerPartition"));
    p.put("fitted", java.time.Instant.now().toString());
    return p;
  }

  /** A library's version from its Maven metadata on the class path, when it was packaged with it. */
  private static String version(String group, String artifact) {
    try (InputStream in = Provenance.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
      if (in == null) return "unknown (classes not from a packaged jar)";
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
