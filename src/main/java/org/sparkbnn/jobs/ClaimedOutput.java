package org.sparkbnn.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.HadoopPaths;

/**
 * An output location (model or predictions) held by one run from before the work starts until its result is in
 * place. Claiming creates {@code .NAME.claim} beside the target exclusively (O_EXCL on a local disk, the
 * name node's create-if-absent on HDFS), so of two runs started together with the same output, the second fails
 * at once naming the path instead of replacing the first one's result later; creating it also proves the
 * location is writable before hours of training. The result is written to a temporary sibling and renamed into
 * place, so a failed run leaves nothing that looks complete. A claim left by a killed run on this host is
 * recognised (its process is gone) and taken over, and temporary siblings of the same output, which only a
 * claim holder writes, are removed.
 */
final class ClaimedOutput implements AutoCloseable {
  /** Written into every complete output, as Hadoop's committers do. */
  static final String SUCCESS_MARKER = "_SUCCESS";
  private final FileSystem fs;
  private final Path target;
  private final Path claim;
  private final boolean overwrite;

  private ClaimedOutput(FileSystem fs, Path target, Path claim, boolean overwrite) {
    this.fs = fs;
    this.target = target;
    this.claim = claim;
    this.overwrite = overwrite;
  }

  /**
   * Claims {@code target}: exit 2 if it exists without {@code overwrite} or another live run holds it; exit 3 if
   * the location cannot be written.
   */
  static ClaimedOutput claim(SparkSession spark, String target, boolean overwrite) {
    Path dest = new Path(target);
    FileSystem fs;
    try {
      fs = HadoopPaths.fileSystem(dest, spark.sparkContext().hadoopConfiguration());
      dest = fs.makeQualified(dest);
    } catch (IOException | IllegalArgumentException e) {
      throw new BadInputException("cannot write output '" + target + "': " + BadInputException.reason(e), e);
    }
    if (dest.getParent() == null) throw new BadInputException("output '" + target + "' is a file system root");
    Path claim = new Path(dest.getParent(), "." + dest.getName() + ".claim");
    try {
      if (fs.exists(dest) && !overwrite) {
        throw new UsageException("output '" + target + "' already exists (pass --overwrite to replace it)");
      }
      fs.mkdirs(dest.getParent());
      if (!createExclusively(fs, claim)) {
        String holder = holder(fs, claim);
        if (!isStale(holder)) {
          throw new UsageException("output '" + target + "' is being written by another run (" + holder
              + "); if no run is writing it, delete " + claim);
        }
        fs.delete(claim, false);
        if (!createExclusively(fs, claim)) {
          throw new UsageException("output '" + target + "' is being written by another run (" + claim + ")");
        }
      }
    } catch (IOException e) {
      throw new BadInputException("cannot write output '" + target + "': creating " + claim + " failed ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
    }
    ClaimedOutput claimed = new ClaimedOutput(fs, dest, claim, overwrite);
    claimed.removeStaleTemporaries();
    return claimed;
  }

  /**
   * Runs {@code writer} against a temporary sibling of the target and renames it into place only when it
   * succeeded.
   */
  void write(Consumer<String> writer) {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try {
      try {
        writer.accept(tmp.toString());
        // A scheduler's sensor waits for this marker; it appears together with the output, by the rename.
        fs.create(new Path(tmp, SUCCESS_MARKER), true).close();
      } catch (Exception e) { // Spark's job failures are checked exceptions, thrown undeclared from Scala
        BadInputException invalid = BadInputException.findIn(e);
        if (invalid != null) throw invalid;
        throw new IllegalStateException("cannot write '" + target + "': " + BadInputException.reason(e), e);
      }
      if (fs.exists(target)) {
        // Only a writer that does not claim (an older version, another tool) can have put it there meanwhile.
        if (!overwrite) throw new UsageException("output '" + target + "' appeared while this run was writing it");
        fs.delete(target, true);
      }
      if (!fs.rename(tmp, target)) throw new IOException("rename " + tmp + " -> " + target + " failed");
    } catch (IOException e) {
      throw new IllegalStateException("cannot write '" + target + "': " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  @Override
  public void close() {
    deleteQuietly(claim);
  }

  private static boolean createExclusively(FileSystem fs, Path claim) throws IOException {
    byte[] holder = (ManagementFactory.getRuntimeMXBean().getName() + " since " + Instant.now())
        .getBytes(StandardCharsets.UTF_8);
    if (fs instanceof LocalFileSystem) {
      // Hadoop's local create(overwrite=false) checks and then opens: not atomic. O_EXCL is.
      java.io.File file = ((LocalFileSystem) fs).pathToFile(claim);
      try {
        Files.write(Files.createFile(file.toPath()), holder);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(claim, false)) {
      out.write(holder);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  /** The claim's content: the holder's "pid@host since time", as the JVM names itself. */
  private static String holder(FileSystem fs, Path claim) {
    try (InputStream in = fs.open(claim)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "claim " + claim;
    }
  }

  /** A claim is stale when its holder ran on this host and that process no longer exists. */
  private static boolean isStale(String holder) {
    int at = holder.indexOf('@');
    int space = holder.indexOf(' ', Math.max(at, 0));
    if (at <= 0 || space <= at) return false;
    try {
      long pid = Long.parseLong(holder.substring(0, at));
      String host = holder.substring(at + 1, space);
      return host.equals(InetAddress.getLocalHost().getHostName()) && ProcessHandle.of(pid).isEmpty();
    } catch (NumberFormatException | IOException e) {
      return false;
    }
  }

  private void removeStaleTemporaries() {
    try {
      FileStatus[] stale = fs.globStatus(new Path(target.getParent(), "." + target.getName() + ".tmp-*"));
      for (FileStatus s : stale == null ? new FileStatus[0] : stale) {
        System.err.println("bnn: removing " + s.getPath() + ", left by an interrupted run");
        fs.delete(s.getPath(), true);
      }
    } catch (IOException e) {
      System.err.println("bnn: cannot remove temporary outputs of an interrupted run: " + e.getMessage());
    }
  }

  private void deleteQuietly(Path p) {
    try {
      if (fs.exists(p)) fs.delete(p, true);
    } catch (IOException e) {
      System.err.println("bnn: cannot delete " + p + ": " + e.getMessage());
    }
  }
}
