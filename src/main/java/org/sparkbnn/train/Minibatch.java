package org.sparkbnn.train;

import org.sparkbnn.input.Standardization;

/**
 * One partition's share of one step's minibatch: {@code share} standardised rows x (share x d, row-major) and
 * labels y, drawn by {@link MinibatchSampler}, in arrays that grow to the largest share seen and are reused
 * across steps. Knowing which step it holds lets a collective task draw the next step's rows while it waits for
 * its peers ({@link CollectiveGradientSource}). Not thread-safe.
 */
final class Minibatch {
  float[] x = new float[0];
  float[] y = new float[0];
  int share;
  /** The step whose rows this holds, or -1. */
  long step = -1;
  /** What {@link MinibatchSampler#sampleInto} returned: kept only so that its prefetching loads are not dropped. */
  private float touched;

  /** Draws partition {@code part}'s share of step {@code step} (a pure function of its arguments). */
  Minibatch draw(PartitionBlocks part, int share, Standardization standardization, long seed, long step) {
    if (x.length < share * part.numFeatures) x = new float[share * part.numFeatures];
    if (y.length < share) y = new float[share];
    touched = MinibatchSampler.sampleInto(part, share, standardization, seed, step, x, y);
    this.share = share;
    this.step = step;
    return this;
  }

  void forget() {
    step = -1;
  }

  boolean holds(long step, int share) {
    return this.step == step && this.share == share;
  }
}
