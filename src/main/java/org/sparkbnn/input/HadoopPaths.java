package org.sparkbnn.input;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The file systems of the paths users name: inputs, outputs, models, checkpoint directories. */
public final class HadoopPaths {
  private HadoopPaths() {}

  /**
   * The file system of {@code path}. A scheme that Hadoop knows but whose client is not on the classpath (s3a://
   * without hadoop-aws, for one) fails inside Hadoop's Configuration with an unchecked exception; it becomes an
   * IOException here, as an unknown scheme's is, so that the caller names the path in one line.
   */
  public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
    try {
      return path.getFileSystem(conf);
    } catch (RuntimeException e) {
      if (!(e.getCause() instanceof ClassNotFoundException)) throw e;
      // Not chained: the jobs print the innermost message, and this one says what to do.
      throw new IOException("no client for " + path.toUri().getScheme() + ":// paths on the classpath ("
          + e.getCause().getMessage() + "; add its jars, e.g. with spark-submit --packages)");
    }
  }
}
