package org.sparkbnn.train.collective;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Frames on every collective connection: {@code [int payload length][int CRC32C of the payload][payload]}. The
 * length is bounded, so a corrupt or foreign header cannot make a reader allocate without limit, and the
 * checksum catches a corrupted payload before any of it is used.
 */
final class Frames {
  static final int HEADER_BYTES = 8;
  /** A frame carries at most a chunk of a gradient or one training state: 1 GiB is far above either. */
  static final int MAX_PAYLOAD = 1 << 30;

  private Frames() {}

  static int crc(ByteBuffer payload) {
    CRC32C crc = new CRC32C(); // Castagnoli: a hardware instruction, twice CRC32's speed here (0.2 ms for 4 MB)
    crc.update(payload.duplicate());
    return (int) crc.getValue();
  }

  /** Writes the header for {@code payload} (position..limit) into {@code header}, flipped for writing. */
  static ByteBuffer header(ByteBuffer payload, ByteBuffer header) {
    header.clear();
    header.putInt(payload.remaining()).putInt(crc(payload)).flip();
    return header;
  }

  static int checkedLength(int length, String from) {
    if (length < 0 || length > MAX_PAYLOAD) {
      throw new CollectiveException("corrupt frame from " + from + ": length " + length, false);
    }
    return length;
  }

  static void checkCrc(ByteBuffer payload, int expected, String from) {
    if (crc(payload) != expected) throw new CollectiveException("corrupt frame from " + from + ": checksum", false);
  }

  /** Blocking write of one frame on a stream (tracker connections). */
  static void write(OutputStream out, byte[] payload) throws IOException {
    ByteBuffer p = ByteBuffer.wrap(payload);
    ByteBuffer h = header(p, ByteBuffer.allocate(HEADER_BYTES));
    out.write(h.array(), 0, HEADER_BYTES);
    out.write(payload);
    out.flush();
  }

  /**
   * Blocking read of one frame from a socket stream whose SO_TIMEOUT is a short slice: each slice checks
   * {@code deadline}; the bytes read so far are kept across slices.
   */
  static byte[] read(InputStream in, Deadline deadline, String from) throws IOException {
    byte[] header = new byte[HEADER_BYTES];
    readFully(in, header, deadline, from);
    ByteBuffer h = ByteBuffer.wrap(header);
    int length = checkedLength(h.getInt(), from);
    int crc = h.getInt();
    byte[] payload = new byte[length];
    readFully(in, payload, deadline, from);
    checkCrc(ByteBuffer.wrap(payload), crc, from);
    return payload;
  }

  private static void readFully(InputStream in, byte[] buf, Deadline deadline, String from) throws IOException {
    int off = 0;
    while (off < buf.length) {
      int n;
      try {
        n = in.read(buf, off, buf.length - off);
      } catch (SocketTimeoutException slice) {
        deadline.check(from);
        continue;
      }
      if (n < 0) throw new CollectiveException(from + " closed the connection", false);
      off += n;
    }
  }
}
