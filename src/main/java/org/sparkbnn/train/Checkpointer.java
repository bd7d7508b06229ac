package org.sparkbnn.train;

/** Where the training loop saves its state every few epochs, and finds it again when a fit is repeated. */
public interface Checkpointer {
  /** Save after every this many completed epochs. */
  int interval();

  /** The saved state of the same configuration and data, or null if there is none. */
  TrainingState load();

  void save(TrainingState state);

  /** No checkpoints. */
  Checkpointer NONE = new Checkpointer() {
    @Override public int interval() { return Integer.MAX_VALUE; }
    @Override public TrainingState load() { return null; }
    @Override public void save(TrainingState state) {}
  };
}
