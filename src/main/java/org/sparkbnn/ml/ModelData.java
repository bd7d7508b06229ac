package org.sparkbnn.ml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkbnn.bayes.IntervalCalibration;
import org.sparkbnn.bayes.TemperatureScaling;
import org.sparkbnn.train.EpochSummary;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.Standardization;

/**
 * The model's {@code data/}: one Parquet row with the network shape, the flat posterior parameter vector
 * (layout: {@link org.sparkbnn.bayes.NetworkArchitecture}), the standardisation and the training history.
 * Plain columns, no Java serialisation, so the format outlives class changes.
 */
final class ModelData {
  private static final ArrayType DOUBLES = DataTypes.createArrayType(DataTypes.DoubleType, false);
  private static final StructType SCHEMA = new StructType()
      .add("numFeatures", DataTypes.IntegerType, false)
      .add("hiddenLayers", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("activation", DataTypes.StringType, false)
      .add("likelihood", DataTypes.StringType, false)
      .add("theta", DOUBLES, false)
      .add("featureMean", DOUBLES, false)
      .add("featureScale", DOUBLES, false)
      .add("labelMean", DataTypes.DoubleType, false)
      .add("labelScale", DataTypes.DoubleType, false)
      .add("historyNegativeElbo", DOUBLES, false)
      .add("historyNll", DOUBLES, false)
      .add("historyKl", DOUBLES, false)
      .add("historyRowsPerSecond", DOUBLES, false)
      // Added with the classifier; absent (null) in regression models saved before it.
      .add("numClasses", DataTypes.IntegerType, true)
      // Added with sequential updating; null for a fit from the initialisation and in models saved before it.
      .add("initialModel", DataTypes.StringType, true)
      // Added with provenance; null in models saved before it.
      .add("provenance", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false), true)
      // Added with interval calibration; null for an uncalibrated model and in models saved before it.
      .add("intervalQuantiles", DOUBLES, true)
      // Added with the classifier's temperature scaling; null for an uncalibrated model and in models saved before it.
      .add("temperature", DataTypes.DoubleType, true)
      // Added with ensembles (ensembleSize); null (one network) in models saved before them.
      .add("ensembleSize", DataTypes.IntegerType, true)
      // Added with likelihood=auto's mixture; null (none) in models saved before it.
      .add("homoscedasticMembers", DataTypes.IntegerType, true);

  private ModelData() {}

  /** Builds a model of the stored kind around its stored network. */
  interface Factory<M> {
    M create(String uid, FittedNetwork fitted);
  }

  /** The writer of a fitted model: its data, then its Params. */
  static StageWriter writer(Params model, FittedNetwork fitted) {
    return new StageWriter(model, (path, spark) -> write(fitted, path, spark));
  }

  private static void write(FittedNetwork fitted, String path, SparkSession spark) {
    ModelSpec spec = fitted.spec;
    Standardization s = fitted.standardization;
    List<EpochSummary> h = fitted.history;
    Row row = RowFactory.create(spec.numFeatures, boxed(spec.hiddenLayers), spec.activation, spec.likelihood,
        boxed(fitted.theta), boxed(s.featureMean()), boxed(s.featureScale()), s.labelMean(), s.labelScale(),
        boxed(h.stream().mapToDouble(EpochSummary::negativeElbo).toArray()),
        boxed(h.stream().mapToDouble(EpochSummary::nll).toArray()),
        boxed(h.stream().mapToDouble(EpochSummary::kl).toArray()),
        boxed(h.stream().mapToDouble(EpochSummary::rowsPerSecond).toArray()), spec.numClasses,
        fitted.initialModel, fitted.provenance,
        fitted.calibration.isCalibrated() ? boxed(fitted.calibration.quantiles()) : null,
        fitted.temperature.isCalibrated() ? fitted.temperature.temperature() : null, spec.members,
        spec.homoscedasticMembers);
    spark.createDataFrame(Collections.singletonList(row), SCHEMA).coalesce(1).write().parquet(path + "/data");
  }

  static final class Reader<M extends Params> extends MLReader<M> {
    private final Class<M> type;
    private final Factory<M> factory;

    Reader(Class<M> type, Factory<M> factory) {
      this.type = type;
      this.factory = factory;
    }

    @Override
    public M load(String path) {
      SparkSession spark = sparkSession();
      StageMetadata metadata = StageMetadata.load(path, spark.sparkContext().hadoopConfiguration(), type);
      Row r;
      try {
        List<Row> rows = spark.read().schema(SCHEMA).parquet(path + "/data").collectAsList();
        if (rows.size() != 1) throw new IllegalStateException("expected 1 row, found " + rows.size());
        r = rows.get(0);
      } catch (Exception e) { // Spark rethrows Parquet's IOExceptions unchecked, wrapped in SparkException
        throw new BadInputException("cannot load " + type.getSimpleName() + " from '" + path
            + "': model data " + path + "/data is missing or corrupt: " + BadInputException.reason(e), e);
      }
      // By name: columns added later (numClasses, initialModel, provenance, calibration, temperature,
      // ensembleSize, homoscedasticMembers) read as null from older models.
      ModelSpec spec;
      try {
        spec = new ModelSpec(r.getAs("numFeatures"), ints(r.getList(r.fieldIndex("hiddenLayers"))),
            r.getAs("activation"), r.getAs("likelihood"), r.isNullAt(r.fieldIndex("numClasses")) ? 0
            : r.<Integer>getAs("numClasses"), r.isNullAt(r.fieldIndex("ensembleSize")) ? 1
            : r.<Integer>getAs("ensembleSize"), r.isNullAt(r.fieldIndex("homoscedasticMembers")) ? 0
            : r.<Integer>getAs("homoscedasticMembers"));
      } catch (IllegalArgumentException e) {
        throw new BadInputException("cannot load model from '" + path + "': " + e.getMessage(), e);
      }
      double[] theta = doubles(r, "theta");
      if (theta.length != spec.numParameters()) {
        throw new BadInputException("cannot load model from '" + path + "': " + theta.length
            + " parameters stored, the network shape needs " + spec.numParameters());
      }
      Standardization standardization = new Standardization(doubles(r, "featureMean"), doubles(r, "featureScale"),
          r.<Double>getAs("labelMean"), r.<Double>getAs("labelScale"));
      double[][] h = {doubles(r, "historyNegativeElbo"), doubles(r, "historyNll"), doubles(r, "historyKl"),
          doubles(r, "historyRowsPerSecond")};
      List<EpochSummary> history = new ArrayList<>();
      for (int e = 0; e < h[0].length; e++) history.add(new EpochSummary(e + 1, h[0][e], h[1][e], h[2][e], h[3][e]));
      Map<String, String> provenance = r.isNullAt(r.fieldIndex("provenance")) ? null
          : r.<String, String>getJavaMap(r.fieldIndex("provenance"));
      IntervalCalibration calibration = r.isNullAt(r.fieldIndex("intervalQuantiles")) ? IntervalCalibration.NONE
          : new IntervalCalibration(doubles(r, "intervalQuantiles"));
      TemperatureScaling temperature = r.isNullAt(r.fieldIndex("temperature")) ? TemperatureScaling.NONE
          : new TemperatureScaling(r.<Double>getAs("temperature"));
      M model = factory.create(metadata.uid, new FittedNetwork(spec, theta, standardization, history,
          r.getAs("initialModel"), provenance, null, calibration, temperature));
      metadata.applyParams(model);
      return model;
    }
  }

  private static List<Double> boxed(double[] v) {
    List<Double> out = new ArrayList<>(v.length);
    for (double d : v) out.add(d);
    return out;
  }

  private static List<Integer> boxed(int[] v) {
    List<Integer> out = new ArrayList<>(v.length);
    for (int i : v) out.add(i);
    return out;
  }

  private static double[] doubles(Row r, String column) {
    return r.<Object>getList(r.fieldIndex(column)).stream().mapToDouble(o -> (Double) o).toArray();
  }

  private static int[] ints(List<Object> v) {
    return v.stream().mapToInt(o -> (Integer) o).toArray();
  }
}
