package org.sparkbnn.compute;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.bayes.StableMath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up ND4J for the Spark task running on the current thread, before it does any array math:
 * <ul>
 *   <li>threads: ND4J's OpenMP and BLAS pools get {@code spark.task.cpus} threads, so an executor running
 *       several tasks at once does not run cores x tasks threads. (ND4J's settings are per JVM; all tasks of an
 *       executor share spark.task.cpus, so the per-JVM value is the per-task one.)</li>
 *   <li>device: the GPU that Spark's resource scheduler assigned to the task
 *       ({@code TaskContext.resources().get("gpu")}, first address); without one (local mode, where Spark does
 *       not schedule GPUs) partition index modulo the visible devices. The CUDA backend binds the thread to it;
 *       the CPU backend has one device, so binding is recorded only, and a GPU assignment on a CPU build is
 *       warned about once per JVM.</li>
 * </ul>
 */
public final class TaskCompute {
  private static final Logger LOG = LoggerFactory.getLogger(TaskCompute.class);
  private static final AtomicBoolean WARNED_CPU_WITH_GPU = new AtomicBoolean();
  private static final AtomicBoolean WARNED_NO_VECTOR_API = new AtomicBoolean();
  private static final ThreadLocal<Binding> BOUND = new ThreadLocal<>();

  /** What one task was given. */
  public static final class Binding implements Serializable {
    private static final long serialVersionUID = 1L;
    public final int partition;
    /** The GPU address Spark assigned, or null if it assigned none. */
    public final String assignedGpu;
    public final int device;
    public final String backend;
    public final int threads;
    /** True when the device was bound through the CUDA backend; false on the CPU backend (recorded only). */
    public final boolean boundOnBackend;

    Binding(int partition, String assignedGpu, int device, String backend, int threads, boolean boundOnBackend) {
      this.partition = partition;
      this.assignedGpu = assignedGpu;
      this.device = device;
      this.backend = backend;
      this.threads = threads;
      this.boundOnBackend = boundOnBackend;
    }

    @Override public String toString() {
      return "partition " + partition + ": gpu " + (assignedGpu == null ? "(none assigned)" : assignedGpu)
          + " -> device " + device + " on the " + backend + " backend" + (boundOnBackend ? "" : " (not bound)")
          + ", " + threads + " thread(s)";
    }
  }

  private TaskCompute() {}

  /** Prepares ND4J for the current task (no-op outside a task) and returns what it was given. */
  public static Binding prepare() {
    TaskContext task = TaskContext.get();
    if (task == null) return null;
    int threads = Math.max(1, task.cpus());
    setThreads(threads);
    String assigned = assignedGpu(task.resourcesJMap());
    int device = device(assigned, task.partitionId(), Nd4j.getAffinityManager().getNumberOfDevices());
    String backend = backendName();
    boolean cuda = backend.equals("cuda");
    Binding previous = BOUND.get();
    if (cuda && (previous == null || previous.device != device)) {
      Nd4j.getAffinityManager().unsafeSetDevice(device);
    }
    if (!cuda && assigned != null && WARNED_CPU_WITH_GPU.compareAndSet(false, true)) {
      LOG.warn("Spark assigns GPUs to tasks (gpu {} to this one) but this build uses ND4J's CPU backend; the"
          + " GPUs stay idle. Build the application jar with -Pcuda to use them.", assigned);
    }
    if (!cuda && !StableMath.VECTOR_API && WARNED_NO_VECTOR_API.compareAndSet(false, true)) {
      LOG.warn(ComputeKernel.NO_VECTOR_API);
    }
    Binding binding = new Binding(task.partitionId(), assigned, device, backend, threads, cuda);
    if (previous == null || previous.device != device || previous.threads != threads) {
      // Which GPU a task got is worth a line in the log; a CPU task's thread count is not (it would interleave
      // with the job's output on every new executor thread).
      if (cuda || assigned != null) {
        LOG.info("spark-bnn task {} (stage {}): {}", task.taskAttemptId(), task.stageId(), binding);
      } else {
        LOG.debug("spark-bnn task {} (stage {}): {}", task.taskAttemptId(), task.stageId(), binding);
      }
    }
    BOUND.set(binding);
    return binding;
  }

  /** The first GPU address Spark assigned to the task, or null. */
  static String assignedGpu(Map<String, ResourceInformation> resources) {
    ResourceInformation gpu = resources == null ? null : resources.get("gpu");
    return gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0];
  }

  /**
   * The assigned address if Spark assigned one (a device ordinal, as discovery scripts report them), else the
   * partition index modulo the visible devices.
   */
  static int device(String assignedGpu, int partition, int visibleDevices) {
    if (assignedGpu != null) {
      try {
        return Integer.parseInt(assignedGpu.trim());
      } catch (NumberFormatException e) {
        throw new IllegalStateException("GPU address '" + assignedGpu + "' from Spark's resource discovery is not"
            + " a device ordinal; the discovery script must report CUDA device indices", e);
      }
    }
    return Math.floorMod(partition, Math.max(1, visibleDevices));
  }

  /** "cuda" or "cpu": which ND4J backend this JVM loaded (decided by the build profile's dependencies). */
  public static String backendName() {
    return Nd4j.getBackend().getClass().getSimpleName().toLowerCase().contains("cublas") ? "cuda" : "cpu";
  }

  private static void setThreads(int threads) {
    if (Nd4j.getEnvironment().maxMasterThreads() != threads) {
      Nd4j.getEnvironment().setMaxMasterThreads(threads);
      Nd4j.getEnvironment().setMaxThreads(threads);
    }
    if (Nd4j.factory().blas().getMaxThreads() != threads) Nd4j.factory().blas().setMaxThreads(threads);
  }

  /** ND4J's current thread settings: {OpenMP master threads, BLAS threads}. */
  public static int[] currentThreads() {
    return new int[] {Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads()};
  }
}
