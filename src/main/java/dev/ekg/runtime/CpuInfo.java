package dev.ekg.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * The processor as {@code /proc/cpuinfo} names it: its model name and feature flags, the inputs
 * of TensorFlow's and oneDNN's kernel choices.
 *
 * @param modelName null where cpuinfo has none
 * @param flags empty where cpuinfo has none
 */
public record CpuInfo(String modelName, Set<String> flags) {
  private static final Path CPUINFO = Path.of("/proc/cpuinfo");

  /** This machine's processor; an empty description where {@code /proc/cpuinfo} cannot be read. */
  public static CpuInfo current() {
    try {
      return parse(Files.isReadable(CPUINFO) ? Files.readString(CPUINFO) : "");
    } catch (IOException e) {
      return parse("");
    }
  }

  /** From the text of {@code /proc/cpuinfo}: the first processor's {@code key : value} lines. */
  public static CpuInfo parse(String cpuinfo) {
    String flags = field(cpuinfo, "flags");
    return new CpuInfo(field(cpuinfo, "model name"),
        flags == null ? Set.of() : Set.copyOf(Arrays.asList(flags.trim().split("\\s+"))));
  }

  private static String field(String cpuinfo, String key) {
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }
}
