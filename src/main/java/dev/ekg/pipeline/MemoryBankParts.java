package dev.ekg.pipeline;

import dev.ekg.io.FloatArray;
import dev.ekg.io.NpyFile;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * logits depend on (the context shared by all teachers, then the teacher's masks), so parts of
 * another search or other weights are never reused.
 */
final class MemoryBankParts {
  static final String DIR = "memory_bank";

  private final Path dir;
  private final byte[] contextDigest;

  /** {@code context}: what every teacher's logits depend on besides its masks. */
  MemoryBankParts(Path runDir, byte[] context) {
    this.dir = runDir.resolve(DIR);
    this.contextDigest = sha256().digest(context);
  }

  /** The part of the teacher with {@code masks}, computed (and committed) only when not on disk yet. */
  FloatArray get(float[][] masks, IOSupplier<FloatArray> compute) throws IOException {
    Path part = dir.resolve("teacher-" + HexFormat.of().formatHex(digest(masks)) + ".npy");
    if (Files.isRegularFile(part)) {
      return NpyFile.readFloat(part);
    }
    FloatArray logits = compute.get();
    Files.createDirectories(dir);
    NpyFile.write(part, logits);
    return logits;
  }

  /** Removes every part in {@code runDir}, once the bank they make up is written. */
  static void clear(Path runDir) throws IOException {
    Path dir = runDir.resolve(DIR);
    if (Files.isDirectory(dir)) {
      PathUtils.deleteDirectory(dir);
    }
  }

  private byte[] digest(float[][] masks) {
    MessageDigest sha = sha256();
    sha.update(contextDigest);
    for (float[] gate : masks) {
      ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES + gate.length * Float.BYTES).putInt(gate.length);
      bytes.asFloatBuffer().put(gate);
      sha.update(bytes.array());
    }
    return sha.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
