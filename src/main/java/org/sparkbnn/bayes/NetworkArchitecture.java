package org.sparkbnn.bayes;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Shape of the MLP and the layout of its posterior parameters in one flat vector:
 * {@code [ mu (numWeights) | rho (numWeights) | likelihood parameters ]}, where each of the mu and rho
 * blocks is, layer by layer, the row-major weight matrix (nIn x nOut) followed by the bias (nOut).
 * One flat vector keeps aggregation and Adam to single array operations.
 */
public final class NetworkArchitecture implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] sizes;
  private final Activation activation;
  private final int[] weightOffsets;
  private final int numWeights;

  public NetworkArchitecture(int numInputs, int[] hidden, int numOutputs, Activation activation) {
    if (numInputs < 1) throw new IllegalArgumentException("number of input features must be >= 1, got " + numInputs);
    for (int h : hidden) {
      if (h < 1) throw new IllegalArgumentException("hiddenLayers sizes must be >= 1, got " + Arrays.toString(hidden));
    }
    this.sizes = new int[hidden.length + 2];
    sizes[0] = numInputs;
    System.arraycopy(hidden, 0, sizes, 1, hidden.length);
    sizes[sizes.length - 1] = numOutputs;
    this.activation = activation;
    this.weightOffsets = new int[numLayers() + 1];
    for (int l = 0; l < numLayers(); l++) {
      weightOffsets[l + 1] = weightOffsets[l] + sizes[l] * sizes[l + 1] + sizes[l + 1];
    }
    this.numWeights = weightOffsets[numLayers()];
  }

  public int numLayers() { return sizes.length - 1; }
  public int numInputs() { return sizes[0]; }
  public int numOutputs() { return sizes[sizes.length - 1]; }
  public int layerInputs(int layer) { return sizes[layer]; }
  public int layerOutputs(int layer) { return sizes[layer + 1]; }
  public Activation activation() { return activation; }

  /** Number of weights and biases (each has one mu and one rho). */
  public int numWeights() { return numWeights; }

  /** Offset of layer l's weight matrix inside the mu (or rho) block; its bias follows the matrix. */
  public int weightOffset(int layer) { return weightOffsets[layer]; }

  public int muOffset() { return 0; }
  public int rhoOffset() { return numWeights; }
  public int likelihoodOffset() { return 2 * numWeights; }

  /** Multiply-adds of one forward pass per row: the sum of nIn * nOut over layers. */
  public long multiplyAddsPerRow() {
    long total = 0;
    for (int l = 0; l < numLayers(); l++) total += (long) sizes[l] * sizes[l + 1];
    return total;
  }
}
