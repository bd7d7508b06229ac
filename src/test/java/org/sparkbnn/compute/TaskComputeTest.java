package org.sparkbnn.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkbnn.SparkTestSession;

/** Device choice and thread settings per task, on the CPU backend (the multi-JVM GPU case is in TaskResourcesIT). */
class TaskComputeTest {

  @Test
  void deviceIsTheAssignedGpuElsePartitionModuloVisibleDevices() {
    assertEquals("2", TaskCompute.assignedGpu(Map.of("gpu", new ResourceInformation("gpu", new String[] {"2", "3"}))));
    assertNull(TaskCompute.assignedGpu(Collections.emptyMap()));
    assertNull(TaskCompute.assignedGpu(Map.of("gpu", new ResourceInformation("gpu", new String[0]))));
    assertEquals(3, TaskCompute.device("3", 0, 1));
    assertEquals(1, TaskCompute.device(null, 5, 4));
    assertEquals(0, TaskCompute.device(null, 5, 1));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TaskCompute.device("GPU-9f2a", 0, 1));
    assertTrue(e.getMessage().contains("GPU-9f2a"), e.getMessage());
  }

  @Test
  void cpuBuildSelectsTheCpuBackend() {
    assertEquals("cpu", TaskCompute.backendName());
    assertNull(TaskCompute.prepare(), "outside a Spark task there is nothing to prepare");
  }

  /**
   * The driver JVM starts with 2 ND4J threads here; local[2] runs two tasks at once, and each must leave ND4J
   * with spark.task.cpus = 1 thread, not 2 x 2 on 2 cores.
   */
  @Test
  void tasksRunWithSparkTaskCpusThreads() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
    Nd4j.getEnvironment().setMaxMasterThreads(2);
    Nd4j.factory().blas().setMaxThreads(2);
    List<Object[]> seen = sc.parallelize(Arrays.asList(0, 1, 2, 3), 4).mapPartitions(it -> {
      TaskCompute.Binding b = TaskCompute.prepare();
      return Collections.singletonList(new Object[] {b, TaskCompute.currentThreads()}).iterator();
    }).collect();
    assertEquals(4, seen.size());
    int expected = Integer.parseInt(sc.getConf().get("spark.task.cpus", "1"));
    for (Object[] s : seen) {
      TaskCompute.Binding b = (TaskCompute.Binding) s[0];
      assertEquals(expected, b.threads);
      assertArrayEquals(new int[] {expected, expected}, (int[]) s[1], "ND4J OpenMP and BLAS threads in the task");
      assertNull(b.assignedGpu, "local mode schedules no GPUs");
      assertEquals(0, b.device);
      assertEquals("cpu", b.backend);
      assertFalse(b.boundOnBackend);
    }
  }
}
