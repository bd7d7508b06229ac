package org.sparkbnn.train;

import java.io.Serializable;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.NetworkArchitecture;
import org.sparkbnn.bayes.ScratchMemory;
import org.sparkbnn.bayes.cpu.FusedElbo;
import org.sparkbnn.input.Standardization;
import org.sparkbnn.compute.ComputeKernel;

/**
 * What one step computes, on the kernel the fit resolved ({@link ComputeKernel}): a task draws its share of the
 * minibatch from its partition's blocks and returns the data-term gradient in float32 ({@link #compute}); the
 * loop adds the KL term once per step in float64 ({@link #addKlGradient}). A pure function of (theta, block,
 * step), so a retried task reproduces its result.
 */
public final class StepFunction implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The minibatch arrays of a thread that draws its rows at the start of each step. */
  private static final ThreadLocal<Minibatch> BATCH = ThreadLocal.withInitial(Minibatch::new);

  private final ElboObjective objective;
  private final Standardization standardization;
  private final int globalBatchSize;
  private final ComputeKernel kernel;

  public StepFunction(ElboObjective objective, Standardization standardization, int globalBatchSize,
                      ComputeKernel kernel) {
    this.objective = objective;
    this.standardization = standardization;
    this.globalBatchSize = globalBatchSize;
    this.kernel = kernel;
  }

  /** The partition's data-term gradient at step {@code step}, on rows drawn now. */
  PartitionGradient compute(PartitionBlocks part, float[] theta, long step, int share) {
    Minibatch batch = BATCH.get();
    batch.forget(); // it may hold another fit's rows for the same step
    return compute(part, theta, step, share, batch, null);
  }

  /**
   * As above, on the rows {@code batch} holds if it was drawn for this step and share ({@link #draw}, e.g. while
   * the task waited for its peers), else on rows drawn into it now: the same rows either way. The fused kernel
   * writes the gradient into {@code gradient} (null, or another length: a new array), which a collective task
   * reuses from step to step: a new one every step was 44 KB a step a task for the benchmark's network (~140 MB/s
   * of garbage, a young collection every 1.7 s, each pausing both tasks).
   */
  PartitionGradient compute(PartitionBlocks part, float[] theta, long step, int share, Minibatch batch,
                            float[] gradient) {
    if (share == 0 || part.rows == 0) return new PartitionGradient(part.partition, null, 0, 0);
    long start = System.nanoTime();
    if (!batch.holds(step, share)) draw(part, step, share, batch);
    if (kernel == ComputeKernel.FUSED) {
      float[] grad = gradient != null && gradient.length == theta.length ? gradient : new float[theta.length];
      if (grad == gradient) Arrays.fill(grad, 0f); // the kernel adds into it
      double nll = FusedElbo.forThread(objective.network().architecture()).addDataGradient(objective, theta,
          batch.x, batch.y, share, step, part.partition, globalBatchSize, grad);
      return new PartitionGradient(part.partition, grad, nll, System.nanoTime() - start);
    }
    return ScratchMemory.run("bnn-step", () -> {
      INDArray x = Nd4j.create(Arrays.copyOf(batch.x, share * part.numFeatures),
          new long[] {share, part.numFeatures}, 'c');
      INDArray y = Nd4j.create(Arrays.copyOf(batch.y, share), new long[] {share, 1}, 'c');
      INDArray params = Nd4j.create(theta, new long[] {theta.length}, 'c');
      INDArray grad = Nd4j.zeros(DataType.FLOAT, theta.length);
      double nll = objective.addDataGradient(params, x, y, step, part.partition, globalBatchSize, grad);
      return new PartitionGradient(part.partition, grad.toFloatVector(), nll, System.nanoTime() - start);
    });
  }

  /** Draws the partition's share of step {@code step} into {@code into}. */
  void draw(PartitionBlocks part, long step, int share, Minibatch into) {
    if (share > 0 && part.rows > 0) into.draw(part, share, standardization, objective.seed(), step);
  }

  /**
   * Whether the KL term can be computed in blocks of weights ({@link FusedElbo#addClosedFormKlBlocks}), a run of
   * them by each task of a collective fit: on the fused kernel, with a closed-form KL.
   */
  boolean klInBlocks() {
    return kernel == ComputeKernel.FUSED && objective.prior().hasClosedFormKl();
  }

  NetworkArchitecture architecture() {
    return objective.network().architecture();
  }

  /** The KL term of blocks fromBlock..toBlock only (see {@link #klInBlocks}): its gradient into grad, its values. */
  void addKlBlocks(double[] theta, double klWeight, long numRows, int fromBlock, int toBlock, double[] grad,
                   double[] blockValues) {
    FusedElbo.forThread(architecture())
        .addClosedFormKlBlocks(objective, theta, klWeight, numRows, fromBlock, toBlock, grad, blockValues);
  }

  /** Adds d/dtheta of klWeight * KL / N to {@code grad} (float64 master parameters) and returns KL. */
  double addKlGradient(double[] theta, long step, double klWeight, long numRows, double[] grad) {
    if (kernel == ComputeKernel.FUSED) {
      return FusedElbo.forThread(objective.network().architecture())
          .addKlGradient(objective, theta, step, klWeight, numRows, grad);
    }
    double[] kl = new double[1];
    double[] full = ScratchMemory.run("bnn-driver", () -> {
      INDArray gradArray = Nd4j.createFromArray(grad);
      kl[0] = objective.addKlGradient(Nd4j.createFromArray(theta), step, klWeight, numRows, gradArray);
      return gradArray.toDoubleVector();
    });
    System.arraycopy(full, 0, grad, 0, grad.length);
    return kl[0];
  }
}
