package org.sparkbnn.jobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.sparkbnn.input.BadInputException;
import org.sparkbnn.input.HadoopPaths;

/**
 * A directory of CSV files must hold one header. Spark names the columns after the first file's header and skips the
 * first line of every other file unread, so a file whose columns come in another order (a daily export after a
 * schema change) would be read into the wrong columns without a word, and one with another column in its place
 * would have that column's values read as the first file's. The header is also where a repeated column name shows,
 * which Spark renames without a word.
 */
final class CsvHeaders {
  private CsvHeaders() {}

  /**
   * The header line of the CSV input {@code path}, whose files and directories ({@code matched}: the path itself, or
   * what its glob matches) Spark reads as one: a file's first line, or the one every data file starts with (fails
   * naming two files whose first lines differ); null when there is none.
   */
  static String oneHeader(String path, List<FileStatus> matched, Configuration conf) throws IOException {
    FileSystem fs = HadoopPaths.fileSystem(new Path(path), conf);
    CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
    if (matched.size() == 1 && matched.get(0).isFile()) return firstLine(fs, matched.get(0).getPath(), codecs);
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus m : matched) {
      if (m.isDirectory()) {
        files.addAll(Arrays.asList(fs.listStatus(m.getPath(), CsvHeaders::readBySpark)));
      } else {
        files.add(m);
      }
    }
    String firstHeader = null;
    Path firstFile = null;
    for (FileStatus file : files) {
      if (!file.isFile() || file.getLen() == 0) continue;
      String header = firstLine(fs, file.getPath(), codecs);
      if (header == null) continue;
      if (firstHeader == null) {
        firstHeader = header;
        firstFile = file.getPath();
      } else if (!header.equals(firstHeader)) {
        throw new BadInputException("the CSV files of input '" + path + "' do not share one header: '"
            + firstFile.getName() + "' starts with '" + firstHeader + "', '" + file.getPath().getName() + "' with '"
            + header + "' (Spark would read every file's columns in the first file's order)");
      }
    }
    return firstHeader;
  }

  /**
   * The names a header line repeats, compared as Spark compares column names (case-insensitively by default);
   * Spark reads such columns as the name followed by the column's position (a0, a1), which the user should be
   * told. Empty when none repeat or there is no header.
   */
  static List<String> repeatedNames(String header, String separator) {
    if (header == null) return List.of();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (String field : header.split(Pattern.quote(separator), -1)) {
      String name = field.strip().replaceAll("^\"|\"$", "");
      if (!name.isEmpty()) seen.merge(name.toLowerCase(Locale.ROOT), 1, Integer::sum);
    }
    List<String> repeated = new ArrayList<>();
    seen.forEach((name, count) -> { if (count > 1) repeated.add(name); });
    return repeated;
  }

  /** The files of a directory that Spark reads: not hidden, not its own markers (_SUCCESS). */
  static boolean readBySpark(Path p) {
    return !p.getName().startsWith("_") && !p.getName().startsWith(".");
  }

  /**
   * The file's first line (decompressed as its name says), as written: Spark's schema inference drops the lines
   * equal to the first file's header, so a header quoted otherwise, or with a byte-order mark, would be read as a row.
   */
  private static String firstLine(FileSystem fs, Path file, CompressionCodecFactory codecs) throws IOException {
    CompressionCodec codec = codecs.getCodec(file);
    try (InputStream raw = fs.open(file);
         InputStream in = codec == null ? raw : codec.createInputStream(raw);
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return reader.readLine();
    }
  }
}
