package dev.ekg.pipeline;

import dev.ekg.io.FloatArray;
import dev.ekg.io.NpyFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.io.file.PathUtils;
import org.apache.commons.io.function.IOSupplier;

/**
 * Each teacher's logits, committed under {@code memory_bank/} in the run directory as soon as they
 * are computed: building the bank takes minutes per teacher on a CPU, and a prune phase killed
 * half-way resumes with the teachers it finished. A part is named by a SHA-256 of everything its
 * logits depend on, so parts of another search or other weights are never reused.
 */
final class MemoryBankParts {
  static final String DIR = "memory_bank";

  private final Path dir;

  MemoryBankParts(Path runDir) {
    this.dir = runDir.resolve(DIR);
  }

  /** The part for {@code identity}, computed (and committed) only when it is not on disk yet. */
  FloatArray get(byte[] identity, IOSupplier<FloatArray> compute) throws IOException {
    Path part = dir.resolve("teacher-" + HexFormat.of().formatHex(sha256(identity)) + ".npy");
    if (Files.isRegularFile(part)) {
      return NpyFile.readFloat(part);
    }
    FloatArray logits = compute.get();
    Files.createDirectories(dir);
    NpyFile.write(part, logits);
    return logits;
  }

  /** Removes every part, once the bank they make up is written. */
  void clear() throws IOException {
    if (Files.isDirectory(dir)) {
      PathUtils.deleteDirectory(dir);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
