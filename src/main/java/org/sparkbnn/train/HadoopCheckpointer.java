package org.sparkbnn.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.HadoopPaths;

/**
 * Checkpoints in one file, {@code <dir>/bnn-checkpoint}, on any Hadoop file system. Each save writes a
 * temporary file and renames it into place (the previous checkpoint is moved aside first and deleted after),
 * so a crash mid-write leaves the last complete checkpoint. The file carries a fingerprint of the
 * configuration and the data (name -> value); a checkpoint whose fingerprint differs is refused, naming what
 * differs, rather than silently continuing someone else's training.
 */
public final class HadoopCheckpointer implements Checkpointer {
  static final String FILE = "bnn-checkpoint";
  private static final String MAGIC = "spark-bnn checkpoint";
  private static final int FORMAT_VERSION = 1;

  private final Path file;
  private final Path previous;
  private final Map<String, String> fingerprint;
  private final Configuration hadoopConf;
  private final int interval;

  public HadoopCheckpointer(String dir, int interval, Map<String, String> fingerprint, Configuration hadoopConf) {
    if (interval < 1) throw new IllegalArgumentException("checkpointInterval must be >= 1, got " + interval);
    this.file = new Path(dir, FILE);
    this.previous = new Path(dir, "." + FILE + ".previous");
    this.fingerprint = new LinkedHashMap<>(fingerprint);
    this.hadoopConf = hadoopConf;
    this.interval = interval;
  }

  @Override public int interval() { return interval; }

  @Override
  public TrainingState load() {
    try {
      FileSystem fs = HadoopPaths.fileSystem(file, hadoopConf);
      // A crash between the two renames of save() leaves only the previous checkpoint.
      Path source = fs.exists(file) ? file : fs.exists(previous) ? previous : null;
      if (source == null) return null;
      try (DataInputStream in = fs.open(source)) {
        return read(in, source);
      }
    } catch (IOException e) {
      throw new BadInputException("cannot read checkpoint " + file + ": " + BadInputException.reason(e), e);
    }
  }

  private TrainingState read(DataInputStream in, Path source) throws IOException {
    boolean recognised;
    try {
      recognised = MAGIC.equals(in.readUTF()) && in.readInt() == FORMAT_VERSION;
    } catch (IOException e) { // too short, or not modified UTF-8
      recognised = false;
    }
    if (!recognised) {
      throw new BadInputException(source + " is not a spark-bnn checkpoint of format " + FORMAT_VERSION);
    }
    Map<String, String> saved = new LinkedHashMap<>();
    int entries = in.readInt();
    for (int i = 0; i < entries; i++) saved.put(in.readUTF(), in.readUTF());
    List<String> differences = new ArrayList<>();
    for (String key : fingerprint.keySet()) {
      if (!fingerprint.get(key).equals(saved.get(key))) {
        differences.add(key + " was " + saved.get(key) + ", now " + fingerprint.get(key));
      }
    }
    if (!differences.isEmpty()) {
      throw new BadInputException("checkpoint " + source + " was written for a different configuration or data ("
          + String.join("; ", differences) + "); use another checkpointDir, or delete it to start afresh");
    }
    return TrainingStateCodec.read(in);
  }

  @Override
  public void save(TrainingState state) {
    try {
      FileSystem fs = HadoopPaths.fileSystem(file, hadoopConf);
      Path tmp = new Path(file.getParent(), "." + FILE + ".tmp-" + UUID.randomUUID());
      try (DataOutputStream out = fs.create(tmp, false)) {
        write(out, state);
      }
      if (fs.exists(file)) {
        if (fs.exists(previous)) fs.delete(previous, false);
        if (!fs.rename(file, previous)) throw new IOException("cannot move " + file + " aside");
      }
      if (!fs.rename(tmp, file)) throw new IOException("cannot rename " + tmp + " to " + file);
      if (fs.exists(previous)) fs.delete(previous, false);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  private void write(DataOutputStream out, TrainingState state) throws IOException {
    out.writeUTF(MAGIC);
    out.writeInt(FORMAT_VERSION);
    out.writeInt(fingerprint.size());
    for (Map.Entry<String, String> e : fingerprint.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
    TrainingStateCodec.write(out, state);
  }
}
