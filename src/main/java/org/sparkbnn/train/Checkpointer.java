package org.sparkbnn.train;

/** Where the training loop saves its state every few epochs, and finds it again when a fit is repeated. */
public interface Checkpointer {
  /** Save after every this many completed epochs. */
  int interval();

  /** The saved state of the same configuration and data, or null if there is none. */
  TrainingState load();

  void save(TrainingState state);

  /** Whether the loop should hand {@link #saveProgress} a state now, inside an epoch (checked after every step). */
  default boolean progressDue() { return false; }

  /** A state inside an epoch, for a rerun to continue from: kept in memory, never written as a checkpoint. */
  default void saveProgress(TrainingState state) {}

  /** No checkpoints. */
  Checkpointer NONE = new Checkpointer() {
    @Override public int interval() { return Integer.MAX_VALUE; }
    @Override public TrainingState load() { return null; }
    @Override public void save(TrainingState state) {}
  };
}
