package org.sparkbnn.ml;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkbnn.bayes.IntervalCalibration;
import org.sparkbnn.bayes.TemperatureScaling;
import org.sparkbnn.train.BlockBuilder;
import org.sparkbnn.train.Checkpointer;
import org.sparkbnn.train.HadoopCheckpointer;
import org.sparkbnn.train.LengthSnapshots;
import org.sparkbnn.input.FeatureAttributes;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.InvalidRowException;
import org.sparkbnn.input.LabelDomain;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.train.TrainingData;
import org.sparkbnn.compute.ComputeKernel;
import org.sparkbnn.train.SyncMode;
import org.sparkbnn.train.TrainingConfig;
import org.sparkbnn.train.TrainingLoop;
import org.sparkbnn.train.TrainingState;
import org.sparkbnn.train.EpochSummary;

/**
 * The fit shared by the regressor and the classifier: validate Params, pack and validate the rows once, choose
 * the network shape from what the data holds, standardise, and run the data-parallel Bayes-by-Backprop loop.
 * The cached blocks are released whatever happens, and no model is returned unless training finished.
 */
final class NetworkTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkTrainer.class);

  /**
   * A fit's network (extended, if the held-out rows asked for it) and, with earlyStopping, the same network after the
   * shorter lengths it may keep instead.
   */
  record Trained(FittedNetwork network, List<ShorterFit> shorter) {
    /** The same fits, each with {@code note} on how its {@code what} was chosen ({@link FittedNetwork#withNote}). */
    Trained withNote(String what, String note) {
      return new Trained(network.withNote(what, note), shorter.stream()
          .map(s -> new ShorterFit(s.epochs(), s.network().withNote(what, note))).toList());
    }
  }

  /** The network after {@code epochs} epochs, every member's parameters at that point. */
  record ShorterFit(int epochs, FittedNetwork network) {}

  /** Chooses the network shape once the rows are packed (the classifier reads its classes from them). */
  interface SpecFactory {
    ModelSpec create(int numFeatures, TrainingData data);
  }

  private NetworkTrainer() {}

  /** A network to fit: its settings, the initial model it starts from (null: none) and how its shape is chosen. */
  record Candidate(FitSettings settings, FittedNetwork initial, SpecFactory specs) {}

  /**
   * Fits each candidate's network on {@code dataset}, starting from its initial model (resolved by {@link
   * InitialModel}; null for none), whose standardisation it then keeps. Rows for which {@code heldOut} (null: none)
   * is true are validated like the others but not trained on (see {@link HeldOutCalibration}); {@code judge} scores a
   * network on them (null: none held out): with lengthDoublings a fit trains longer while they say it still improves
   * ({@link LengthExtension}), and with earlyStopping the parameters after shorter lengths are kept for them to
   * choose from. The candidates' settings differ only in what the network's shape reads, e.g. the likelihood, or in
   * the objective's klScale; the rows are packed and cached once. The candidates train at once, their members sharing
   * the cluster's task slots ({@link FitSlots}), so a slot that one candidate's last member leaves idle trains
   * another's; each member is a fit of its own, so the results are those of fitting the candidates one after the
   * other. After a failure no further member starts; the first candidate's failure (in list order) is rethrown once
   * every running member has ended.
   */
  static List<Trained> fitEach(List<Candidate> candidates, Dataset<?> dataset, Column heldOut,
                               LengthChoice.Judge<?> judge, LabelDomain labels) {
    String callerDescription = dataset.sparkSession().sparkContext().getLocalProperty("spark.job.description");
    FitSettings first = candidates.get(0).settings();
    String featuresCol = first.featuresCol();
    String labelCol = first.labelCol();
    int numFeatures = numFeatures(dataset, featuresCol);
    Dataset<Row> rows = heldOut == null ? dataset.select(functions.col(featuresCol), functions.col(labelCol))
        : dataset.select(functions.col(featuresCol), functions.col(labelCol), heldOut);
    TrainingData data = null;
    try {
      data = TrainingData.pack(rows, new BlockBuilder(featuresCol, labelCol, numFeatures, labels,
          first.skipInvalid(), FeatureAttributes.sourceColumns(dataset.schema().apply(featuresCol))), numFeatures,
          BlockBuilder.maxRowsPerBlock(first.maxBlockSizeInMB(), numFeatures));
      if (data.skippedRows() > 0) LOG.warn("handleInvalid=skip: dropped {} invalid training rows", data.skippedRows());
      if (data.numRows() == 0) {
        throw new BadInputException("training data set is empty"
            + (data.skippedRows() > 0 ? " after skipping " + data.skippedRows() + " invalid rows" : ""));
      }
      warnIfThin(data, numFeatures, labelCol, labels.isCategorical());
      if (candidates.get(0).initial() == null) {
        logIndicators(data.indicatorFeatures(numFeatures), FeatureAttributes.sourceColumns(
            dataset.schema().apply(featuresCol)));
      }
      SyncMode sync = data.syncMode(first.syncMode(), first.allowUnencryptedGradients());
      LOG.info("Bayes by Backprop: {}", sync.reason());
      FitSlots slots = new FitSlots(sync.fitsAtOnce());
      TrainingData packed = data;
      List<Supplier<Trained>> fits = new ArrayList<>();
      // Candidates are told apart in the log by what differs between them.
      boolean oneLikelihood = candidates.stream().map(c -> c.settings().likelihood()).distinct().count() == 1;
      for (Candidate c : candidates) {
        String name = candidates.size() == 1 ? null
            : oneLikelihood ? "klScale " + c.settings().klScale() : c.settings().likelihood();
        fits.add(() -> train(c, name, packed, numFeatures, sync, slots, judge, dataset));
      }
      return slots.all(fits, "spark-bnn-candidate");
    } catch (Exception e) {
      InvalidRowException badRow = InvalidRowException.findRowIn(e);
      if (badRow != null) throw badRow.inInputOrder(rows);
      throw BadInputException.surface(e);
    } finally {
      if (data != null) data.release();
      // The caller's description (a notebook's, a scheduler's) comes back; the fit's own labels do not linger.
      dataset.sparkSession().sparkContext().setJobDescription(callerDescription);
    }
  }

  /** One candidate's fit on the packed rows; {@code name} (null: none) tells its log lines from another's. */
  private static Trained train(Candidate candidate, String name, TrainingData data, int numFeatures, SyncMode sync,
                               FitSlots slots, LengthChoice.Judge<?> judge, Dataset<?> dataset) {
    FitSettings settings = candidate.settings();
    FittedNetwork initial = candidate.initial();
    LOG.info("Bayes by Backprop: {}", settings);
    ModelSpec spec = candidate.specs().create(numFeatures, data);
    if (initial != null) InitialModel.checkMatches(initial, spec);
    String initialDigest = initial == null ? null : initial.digest();
    // The initial model's inputs and outputs must mean what they meant when it was fitted.
    Standardization standardization = initial != null ? initial.standardization
        : data.standardization(numFeatures, !spec.isClassification());
    if (initial != null) {
      LOG.info("Bayes by Backprop: starting from the initial model (parameters {}), keeping its feature and label"
          + " standardisation; prior: {}", initialDigest, settings.priorFromModel()
          ? "its posterior, per weight (prior=" + settings.prior() + " is not used)" : "prior=" + settings.prior());
    }
    LOG.info("Bayes by Backprop: {}{} rows in {} partitions, {} features, {} parameters{}",
        name == null ? "" : name + " fit: ", data.numRows(), data.numPartitions(), numFeatures, spec.numParameters(),
        spec.members > 1 ? " (" + spec.members + " ensemble members)" : "");
    SparkContext sc = dataset.sparkSession().sparkContext();
    MemberTraining training = new MemberTraining(settings, spec, data, standardization, initial, initialDigest,
        sync, slots, name, sc.hadoopConfiguration());
    TrainingConfig firstConfig = training.config(0, 0);
    String costWarning = sync.costWarning(spec.members * data.plannedSteps(firstConfig));
    if (costWarning != null) LOG.warn("Bayes by Backprop: {}", costWarning);
    String kernel = ComputeKernel.describe(firstConfig.kernel(), settings.kernel());
    LOG.info("Bayes by Backprop: {}", kernel);
    if (settings.earlyStopping() && judge == null) {
      LOG.warn("earlyStopping=true: no rows are held out (calibrationFraction), so the fit keeps its full length");
    } else if (settings.lengthDoublings() > 0 && judge == null) {
      LOG.info("Bayes by Backprop: no rows held out, so the fit trains the length of maxEpochs (lengthDoublings"
          + " needs them)");
    }
    // earlyStopping compares E/8, E/4, E/2 and E; the extension asks whether E beat E/2.
    int halvings = judge == null ? 0 : settings.earlyStopping() ? 3 : settings.lengthDoublings() > 0 ? 1 : 0;
    Members members = training.planned(halvings);
    Map<String, String> fingerprint = fingerprint(settings, spec, data, standardization, initialDigest);
    Map<String, String> provenance = Provenance.of(settings, fingerprint, dataset.sparkSession());
    Function<Members, FittedNetwork> asNetwork = m -> {
      Map<String, String> summary = new LinkedHashMap<>();
      summary.put("training rows", String.valueOf(data.numRows()));
      summary.put("invalid rows skipped", String.valueOf(data.skippedRows()));
      summary.put("partitions", String.valueOf(data.numPartitions()));
      summary.put("features", String.valueOf(numFeatures));
      summary.put("parameters", String.valueOf(spec.numParameters()));
      summary.put("initial model", initial == null ? "none" : initialDigest + (settings.priorFromModel()
          ? ", its posterior as the prior" : ", a warm start"));
      summary.put("steps", m.steps + (spec.members > 1 ? " (" + spec.members + " members)" : ""));
      summary.put("step timings", m.first.timings + (spec.members > 1 ? " (the first member)" : ""));
      summary.put("synchronisation", sync.reason());
      summary.put("kernel", kernel);
      return new FittedNetwork(spec, m.theta, standardization, m.first.history, initialDigest, provenance,
          new FitDetails(summary), IntervalCalibration.NONE, TemperatureScaling.NONE);
    };
    FittedNetwork network = asNetwork.apply(members);
    List<ShorterFit> shorter = new ArrayList<>();
    members.shorter.forEach((epochs, theta) -> shorter.add(new ShorterFit(epochs, network.after(epochs, theta))));
    if (judge != null && settings.lengthDoublings() > 0) {
      FittedNetwork longer = LengthExtension.extend(network, shorter, judge, settings.lengthDoublings(),
          members, training::continued, asNetwork, name);
      // A longer fit was chosen on the held-out rows already; earlyStopping's shorter ones are not candidates.
      if (longer != network) return new Trained(longer, List.of());
    }
    // The half length the extension compared with is a candidate to keep only with earlyStopping.
    return new Trained(network, settings.earlyStopping() ? shorter : List.of());
  }

  /**
   * The members' parameters one after the other, the first member's result (its history; a continued fit's timings
   * are those of its continuation), all their steps, the parameters after the shorter lengths every member kept, and
   * each member's state at the end, to continue from ({@link LengthSnapshots}; empty, and null states, when the fit
   * is not judged on held-out rows).
   */
  record Members(double[] theta, TrainingLoop.Result first, long steps, Map<Integer, double[]> shorter,
                 List<TrainingState> ends) {
    /** The epochs every member trained. */
    int epochs() { return first.history.size(); }
  }

  /**
   * Trains an ensemble's members (one network: the one member) over the same cached rows, each a fit of its own with
   * its settings ({@link FitSettings#member}) and checkpoints, in the task slots shared with the fit's other
   * candidates; {@code candidate} (null: none) names this one in the log.
   */
  private record MemberTraining(FitSettings settings, ModelSpec spec, TrainingData data,
                                Standardization standardization, FittedNetwork initial, String initialDigest,
                                SyncMode sync, FitSlots slots, String candidate, Configuration hadoopConf) {

    /** The planned length (maxEpochs, minSteps, maxSteps), keeping E / 2^k epochs for k = 1..halvings. */
    Members planned(int halvings) {
      return train(halvings, null, 0);
    }

    /**
     * Every member continued from its end in {@code from} to {@code epochs} epochs (no checkpoints written), or null
     * when a member did not complete its last epoch or maxSteps would cut the new last one short.
     */
    Members continued(Members from, int epochs) {
      long stepsPerEpoch = data.plannedSteps(config(0, 1));
      if (from.ends.contains(null) || data.plannedSteps(config(0, epochs)) != epochs * stepsPerEpoch) return null;
      Members longer = train(0, from.ends, epochs);
      return new Members(longer.theta, longer.first, from.steps + longer.steps, longer.shorter, longer.ends);
    }

    /** The members' configuration as the Params give it, or lengthened to {@code epochs} (0: as given). */
    TrainingConfig config(int k, int epochs) {
      TrainingConfig config = spec.singleMember().trainingConfig(settings.member(k),
          initial == null ? null : initial.member(k));
      return epochs == 0 ? config : config.lengthened(epochs);
    }

    private Members train(int halvings, List<TrainingState> from, int epochs) {
      int n = spec.singleMember().numParameters();
      List<MemberResult> results = eachMember(k -> trainMember(k, halvings, from, epochs));
      double[] theta = new double[spec.numParameters()];
      long steps = 0;
      Map<Integer, double[]> shorter = new LinkedHashMap<>();
      List<TrainingState> ends = new ArrayList<>();
      for (int k = 0; k < spec.members; k++) {
        MemberResult member = results.get(k);
        System.arraycopy(member.result.theta, 0, theta, k * n, n);
        // A length is a candidate only if every member has it (a member resumed past it has not).
        if (k == 0) member.kept.keySet().forEach(e -> shorter.put(e, new double[theta.length]));
        shorter.keySet().retainAll(member.kept.keySet());
        for (Map.Entry<Integer, double[]> e : shorter.entrySet()) {
          System.arraycopy(member.kept.get(e.getKey()), 0, e.getValue(), k * n, n);
        }
        ends.add(member.end);
        steps += member.result.timings.steps();
      }
      return new Members(theta, results.get(0).result, steps, shorter, ends);
    }

    /**
     * {@code train} of every member, in member order. Members are fits of their own, so as many train at once as
     * the cluster's slots hold ({@link FitSlots}: on local[2], two fits of one partition each), which changes no
     * member's result.
     */
    private List<MemberResult> eachMember(IntFunction<MemberResult> train) {
      List<Supplier<MemberResult>> members = new ArrayList<>();
      for (int k = 0; k < spec.members; k++) {
        int member = k;
        members.add(() -> slots.run(() -> train.apply(member)));
      }
      return slots.all(members, "spark-bnn-ensemble-member");
    }

    private MemberResult trainMember(int k, int halvings, List<TrainingState> from, int epochs) {
      FitSettings member = settings.member(k);
      TrainingConfig config = config(k, epochs);
      int planned = data.plannedEpochs(config);
      String ofEnsemble = spec.members > 1 ? "ensemble member " + (k + 1) + " of " + spec.members : null;
      String name = candidate == null ? ofEnsemble
          : ofEnsemble == null ? candidate + " fit" : candidate + " " + ofEnsemble;
      if (name != null) {
        LOG.info("Bayes by Backprop: {} (seed {}){}", name, member.seed(),
            from == null ? "" : ", continued to " + planned + " epochs");
      }
      Consumer<EpochSummary> onEpoch = new ProgressLog(LOG, planned, name);
      Checkpointer checkpointer = from != null ? Checkpointer.NONE : checkpointer(member,
          fingerprint(member, spec.singleMember(), data, standardization, initialDigest), hadoopConf);
      // A fit that is not judged (halvings 0) keeps nothing of itself: its checkpointer alone.
      LengthSnapshots lengths = from != null ? LengthSnapshots.continuing(from.get(k), planned)
          : halvings > 0 ? new LengthSnapshots(checkpointer, planned, halvings) : null;
      if (lengths != null) checkpointer = lengths;
      TrainingLoop.Result result = sync.collective()
          ? data.trainCollective(sync, config, standardization, onEpoch, checkpointer, member.collectiveTimeoutMillis())
          : TrainingLoop.run(config, standardization, data.gradientSource(), onEpoch, checkpointer);
      LOG.info("Bayes by Backprop: {}{} steps, {}", name == null ? "" : name + ": ", result.timings.steps(),
          result.timings);
      if (from == null && result.history.size() < settings.maxEpochs()) {
        LOG.info("Bayes by Backprop: stopped at maxSteps={} after {} of maxEpochs={} epochs", settings.maxSteps(),
            result.history.size(), settings.maxEpochs());
      } else if (from == null && result.history.size() > settings.maxEpochs()) {
        LOG.info("Bayes by Backprop: trained {} epochs, past maxEpochs={}, to reach minSteps={}",
            result.history.size(), settings.maxEpochs(), settings.minSteps());
      }
      return new MemberResult(result, lengths == null ? Map.of() : lengths.kept(),
          lengths == null ? null : lengths.end());
    }
  }

  /** One member's fit, the parameters it kept after shorter lengths, and its end state (null: not kept). */
  private record MemberResult(TrainingLoop.Result result, Map<Integer, double[]> kept, TrainingState end) {}

  /**
   * Data that trains without error but cannot say much: the predictive variance then reflects mostly the prior,
   * which the user should know before trusting a narrow interval.
   */
  private static void warnIfThin(TrainingData data, int numFeatures, String labelCol, boolean classification) {
    if (data.numRows() < numFeatures) {
      LOG.warn("only {} training rows for {} features: the fit is determined mostly by the prior", data.numRows(),
          numFeatures);
    }
    double[] label = data.labelMoments();
    if (!classification && !Standardization.hasSpread(label[1])) {
      LOG.warn("label column '{}' is constant ({}) in all {} training rows: there is nothing to learn from it, and"
          + " the label is scaled by its magnitude", labelCol, label[0], data.numRows());
    }
  }

  /** Names (up to ten) the features that hold two values, which are mapped to 0 and 1 rather than standardised. */
  private static void logIndicators(int[] indicators, String[] sourceColumns) {
    if (indicators.length == 0) return;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < Math.min(indicators.length, 10); i++) {
      int j = indicators[i];
      names.add(sourceColumns != null && j < sourceColumns.length && sourceColumns[j] != null
          ? "'" + sourceColumns[j] + "'" : "index " + j);
    }
    LOG.info("Bayes by Backprop: {} feature(s) of two values, mapped to 0 and 1 rather than standardised: {}{}",
        indicators.length, String.join(", ", names), indicators.length > 10 ? " and " + (indicators.length - 10)
            + " more" : "");
  }

  private static Checkpointer checkpointer(FitSettings settings, Map<String, String> fingerprint,
                                          Configuration hadoopConf) {
    if (settings.checkpointDir().isEmpty()) return Checkpointer.NONE;
    Checkpointer checkpointer = new HadoopCheckpointer(settings.checkpointDir(), settings.checkpointInterval(),
        fingerprint, hadoopConf);
    LOG.info("Bayes by Backprop: checkpoints every {} epochs in {}", settings.checkpointInterval(),
        settings.checkpointDir());
    return checkpointer;
  }

  /**
   * What a checkpoint must match to be resumed: the network shape, every Param that changes the optimisation
   * path, the data as partitioned (rows per partition and the standardisation moments) and the initial model's
   * parameter digest (null: none). maxEpochs and maxSteps are left out, so a fit with more epochs continues a
   * finished shorter one.
   */
  static Map<String, String> fingerprint(FitSettings settings, ModelSpec spec, TrainingData data,
                                         Standardization standardization, String initialDigest) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("numFeatures", String.valueOf(spec.numFeatures));
    f.put("hiddenLayers", Arrays.toString(spec.hiddenLayers));
    f.put("activation", spec.activation);
    f.put("likelihood", spec.likelihood);
    f.put("numClasses", String.valueOf(spec.numClasses));
    // Recorded for ensembles only: a member's own fingerprint (its checkpoints) is that of a fit of one network.
    if (spec.members > 1) f.put("ensembleSize", String.valueOf(spec.members));
    f.putAll(settings.optimisationPath());
    f.put("rowsPerPartition", Arrays.toString(data.partitionRows()));
    f.put("dataMoments", digest(concat(standardization.featureMean(), standardization.featureScale(),
        new double[] {standardization.labelMean(), standardization.labelScale()})));
    f.put("initialModel", initialDigest == null ? "none" : initialDigest);
    return f;
  }

  /** The first 8 bytes of the SHA-256 of the values, in hex: an identity for fingerprints and logs. */
  static String digest(double[] values) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(8 * values.length);
      for (double v : values) buffer.putDouble(v);
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(buffer.array());
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 8; i++) hex.append(String.format("%02x", hash[i]));
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double[] concat(double[]... parts) {
    return Arrays.stream(parts).flatMapToDouble(Arrays::stream).toArray();
  }

  /** The features vector size: from the column's ML attributes if present, else from the first non-null row. */
  private static int numFeatures(Dataset<?> dataset, String featuresCol) {
    int size = AttributeGroup.fromStructField(dataset.schema().apply(featuresCol)).size();
    if (size >= 0) return size;
    List<Row> first = dataset.select(featuresCol).where(functions.col(featuresCol).isNotNull())
        .limit(1).collectAsList();
    if (first.isEmpty()) throw new BadInputException("training data set is empty (no non-null '"
        + featuresCol + "' value)");
    return ((Vector) first.get(0).get(0)).size();
  }
}
