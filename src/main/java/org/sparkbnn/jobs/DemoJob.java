package org.sparkbnn.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkbnn.ml.BayesByBackpropRegressionModel;
import org.sparkbnn.ml.BayesByBackpropRegressor;

/**
 * {@code demo}: trains on the bundled diabetes data (442 patients, 10 baseline measurements, disease
 * progression after one year), then scores a few patients from the data and the same patients with their
 * measurements pushed far outside the training range, printing the predictive mean and variance of each: the
 * variance is the model saying how much to trust the number.
 */
final class DemoJob {
  private DemoJob() {}

  static int run(JobArgs args) {
    String input = args.value("input", System.getProperty("bnn.home", ".") + "/jobs/data/diabetes.csv");
    String label = DataIO.readableName(args.value("label", "progression"));
    // One learned noise level (not likelihood=auto's choice), so that the demo's aleatoric part is the same in every
    // row and what grows off the data is the epistemic part alone.
    BayesByBackpropRegressor regressor = new BayesByBackpropRegressor().setLikelihood("homoscedastic")
        .setMaxEpochs(150).setBatchSize(64).setSeed(42)
        .setEpistemicVarianceCol("epistemic").setAleatoricVarianceCol("aleatoric");
    StageParams.apply(regressor, args.params());
    args.finish();

    SparkSession spark = SparkSessions.create("spark-bnn demo");
    Dataset<Row> data = DataIO.read(spark, input).cache();
    FeatureColumns features = FeatureColumns.besideNumericLabel(data, label, null);
    FeatureColumns.Assembly assembly = features.assembly(data.columns());
    regressor.setFeaturesCol(assembly.vector()).setLabelCol(label);
    PipelineStage[] stages = Arrays.copyOf(assembly.stages(), assembly.stages().length + 1);
    stages[stages.length - 1] = regressor;
    long start = System.nanoTime();
    PipelineModel model = new Pipeline().setStages(stages).fit(data);
    BayesByBackpropRegressionModel bnn = (BayesByBackpropRegressionModel) model.stages()[stages.length - 1];
    // --param likelihood=... may give a per-row noise variance, which has no one value to print.
    String noise = bnn.fittedLikelihood().equals("homoscedastic")
        ? String.format("learned noise std %.1f", Math.sqrt(bnn.noiseVariance()))
        : bnn.fittedLikelihood() + " noise model (per-row variance)";
    System.out.printf("demo: fitted on %d rows of %s in %.1f s (%s); %s (label std %.1f)%n",
        data.count(), input, (System.nanoTime() - start) / 1e9, bnn.calibration().isCalibrated()
            ? String.format("%.0f%% held out to calibrate the intervals: 90%% is mean -+ %.2f sd",
                100 * regressor.getCalibrationFraction(), bnn.calibration().halfWidth(0.9))
            : "intervals not calibrated", noise, data.agg(functions.stddev(label)).first().getDouble(0));

    Dataset<Row> sample = data.limit(5).withColumn("where", lit("in the data"));
    // The same patients with every measurement moved up by 4 training standard deviations.
    Dataset<Row> far = sample.withColumn("where", lit("far outside"));
    for (String f : features.numeric()) {
      double sd = data.agg(functions.stddev(f)).first().getDouble(0);
      far = far.withColumn(f, col(f).plus(4 * sd).cast(data.schema().apply(f).dataType()));
    }
    Column sd = functions.sqrt(col("variance"));
    List<Row> rows = model.transform(sample.unionByName(far))
        .select(col("where"), col(label), col("prediction"), col("variance"), sd.as("sd"), col("epistemic"),
            col("aleatoric"))
        .collectAsList();
    System.out.printf("%-12s %10s %10s %12s %8s %12s %12s%n", "row", label, "mean", "variance", "sd",
        "epistemic", "aleatoric");
    for (Row r : rows) {
      System.out.printf("%-12s %10s %10.1f %12.1f %8.1f %12.1f %12.1f%n", r.getString(0), r.get(1),
          r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getDouble(5), r.getDouble(6));
    }
    System.out.printf("demo: far outside the data, the mean predictive variance is %.1fx and its epistemic part"
        + " %.1fx that inside it%n", meanOf(rows.subList(5, 10), 3) / meanOf(rows.subList(0, 5), 3),
        meanOf(rows.subList(5, 10), 5) / meanOf(rows.subList(0, 5), 5));
    return 0;
  }

  private static double meanOf(List<Row> rows, int column) {
    return rows.stream().mapToDouble(r -> r.getDouble(column)).average().orElse(Double.NaN);
  }
}
