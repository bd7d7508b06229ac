package org.sparkbnn.train;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.bayes.ElboObjective;
import org.sparkbnn.bayes.ScratchMemory;

/**
 * What one task computes in one step: draw its share of the minibatch from its partition's blocks and return the data-term
 * gradient in float32. A pure function of (theta, block, step), so a retried task reproduces its result.
 */
public final class StepFunction implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ElboObjective objective;
  private final Standardization standardization;
  private final int globalBatchSize;

  public StepFunction(ElboObjective objective, Standardization standardization, int globalBatchSize) {
    this.objective = objective;
    this.standardization = standardization;
    this.globalBatchSize = globalBatchSize;
  }

  PartitionGradient compute(PartitionBlocks part, float[] theta, long step, int share) {
    if (share == 0 || part.rows == 0) return new PartitionGradient(part.partition, null, 0, 0);
    long start = System.nanoTime();
    return ScratchMemory.run("bnn-step", () -> {
      INDArray[] batch = MinibatchSampler.sample(part, share, standardization, objective.seed(), step);
      INDArray params = Nd4j.create(theta, new long[] {theta.length}, 'c');
      INDArray grad = Nd4j.zeros(DataType.FLOAT, theta.length);
      double nll =
          objective.addDataGradient(params, batch[0], batch[1], step, part.partition, globalBatchSize, grad);
      return new PartitionGradient(part.partition, grad.toFloatVector(), nll, System.nanoTime() - start);
    });
  }
}
