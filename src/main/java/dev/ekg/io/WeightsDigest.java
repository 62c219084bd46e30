package dev.ekg.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** SHA-256 of a network's weights: the little-endian float32 bytes of every array, in the map's order. */
public final class WeightsDigest {
  private WeightsDigest() {}

  public static String sha256(Map<String, FloatArray> weights) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    for (FloatArray array : weights.values()) {
      ByteBuffer bytes = ByteBuffer.allocate(array.data().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(array.data());
      digest.update(bytes.array());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
