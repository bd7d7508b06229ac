package org.sparkbnn.train;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.bayes.ElboObjective;
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
  /** The fused kernel's minibatch arrays, per thread, grown to the largest share seen. */
  private static final ThreadLocal<float[][]> BATCH = ThreadLocal.withInitial(() -> new float[][] {{}, {}});

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

  PartitionGradient compute(PartitionBlocks part, float[] theta, long step, int share) {
    if (share == 0 || part.rows == 0) return new PartitionGradient(part.partition, null, 0, 0);
    long start = System.nanoTime();
    if (kernel == ComputeKernel.FUSED) {
      float[][] batch = BATCH.get();
      if (batch[0].length < share * part.numFeatures) batch[0] = new float[share * part.numFeatures];
      if (batch[1].length < share) batch[1] = new float[share];
      MinibatchSampler.sampleInto(part, share, standardization, objective.seed(), step, batch[0], batch[1]);
      float[] grad = new float[theta.length];
      double nll = FusedElbo.forThread(objective.network().architecture()).addDataGradient(objective, theta,
          batch[0], batch[1], share, step, part.partition, globalBatchSize, grad);
      return new PartitionGradient(part.partition, grad, nll, System.nanoTime() - start);
    }
    return ScratchMemory.run("bnn-step", () -> {
      INDArray[] batch = MinibatchSampler.sample(part, share, standardization, objective.seed(), step);
      INDArray params = Nd4j.create(theta, new long[] {theta.length}, 'c');
      INDArray grad = Nd4j.zeros(DataType.FLOAT, theta.length);
      double nll =
          objective.addDataGradient(params, batch[0], batch[1], step, part.partition, globalBatchSize, grad);
      return new PartitionGradient(part.partition, grad.toFloatVector(), nll, System.nanoTime() - start);
    });
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
