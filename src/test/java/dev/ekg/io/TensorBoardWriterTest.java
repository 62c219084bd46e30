package dev.ekg.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.io.TensorBoardReader.Scalar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

class TensorBoardWriterTest {
  @TempDir Path dir;

  /** Writes the file-version event and three scalar events; returns the file. */
  private Path writeSample() throws IOException {
    try (TensorBoardWriter writer = new TensorBoardWriter(dir.resolve("run"))) {
      writer.scalar("Categorical_loss/train", 0, 2.302585092994046);
      writer.scalar("Accuracy/test", 0, 0.1);
      writer.scalar("learning_rate", 1, 1e-3);
      writer.flush();
      return writer.file();
    }
  }

  /** The offset of the record after the one at {@code offset}. */
  private static long nextRecord(byte[] file, long offset) {
    long length = ByteBuffer.wrap(file, (int) offset, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return offset + 12 + length + 4;
  }

  @Test
  void readsBackWhatItWrote() throws IOException {
    assertEquals(List.of(
            new Scalar("Categorical_loss/train", 0, 2.302585092994046f),
            new Scalar("Accuracy/test", 0, 0.1f),
            new Scalar("learning_rate", 1, 1e-3f)),
        TensorBoardReader.readScalars(writeSample()));
  }

  @Test
  void createsTheLogDirectoryAndAStandardFileName() throws IOException {
    long before = System.currentTimeMillis() / 1000;
    Path file = writeSample();
    long after = System.currentTimeMillis() / 1000;

    assertEquals(dir.resolve("run"), file.getParent());
    Matcher m = Pattern.compile("events\\.out\\.tfevents\\.(\\d{10})\\.(.+)\\.(\\d+)\\.v2")
        .matcher(file.getFileName().toString());
    assertTrue(m.matches(), file.getFileName().toString());
    long seconds = Long.parseLong(m.group(1));
    assertTrue(before <= seconds && seconds <= after, m.group(1));
    assertFalse(m.group(2).isEmpty());
    assertEquals(ProcessHandle.current().pid(), Long.parseLong(m.group(3)));
  }

  @Test
  void firstEventIsTheFileVersion() throws IOException {
    double before = System.currentTimeMillis() / 1e3;
    Path file = writeSample();
    double after = (System.currentTimeMillis() + 1) / 1e3;
    List<Event> events = TensorBoardReader.readEvents(file);
    assertEquals(4, events.size());
    Event first = events.get(0);
    assertEquals("brain.Event:2", first.getFileVersion());
    assertFalse(first.hasSummary());
    assertTrue(before <= first.getWallTime() && first.getWallTime() <= after,
        first.getWallTime() + " is not the time of writing, between " + before + " and " + after);
    assertTrue(events.get(3).getWallTime() >= first.getWallTime());
  }

  @Test
  void aSecondWriterOnTheSameDirectoryAddsAFile() throws IOException {
    Path first = writeSample();
    Path second = writeSample();
    assertNotEquals(first, second);
    assertEquals(3, TensorBoardReader.readScalars(first).size());
    assertEquals(3, TensorBoardReader.readScalars(second).size());
  }

  @Test
  void scalarAfterCloseFails() throws IOException {
    TensorBoardWriter writer = new TensorBoardWriter(dir);
    writer.close();
    writer.close();
    assertThrows(IllegalStateException.class, () -> writer.scalar("x", 0, 1));
  }

  /**
   * Expected values from a throwaway pure-Python script: CRC32C written out bitwise (reflected
   * polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF), then masked as
   * ((crc >> 15 | crc << 17) + 0xa282ead8) mod 2^32. The unmasked CRC32C of "123456789" is
   * 0xe3069283, the standard check value of CRC-32C.
   */
  @Test
  void maskedCrc32cMatchesKnownVectors() {
    assertEquals(0x07980329, TfRecord.maskedCrc32c(new byte[8], 0, 8));
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xc78ab0e5, TfRecord.maskedCrc32c(check, 0, check.length));
    byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0x191c1fbb, TfRecord.maskedCrc32c(hello, 0, hello.length));
  }

  /**
   * Checksums from the same script; TensorFlow 2.21's tf.io.TFRecordWriter, run once by hand, wrote
   * exactly these bytes for the record "hello".
   */
  @Test
  void framesARecord() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TfRecord.write(out, "hello".getBytes(StandardCharsets.US_ASCII));
    assertEquals("0500000000000000" + "eab2043e" + "68656c6c6f" + "bb1f1c19",
        HexFormat.of().formatHex(out.toByteArray()));
  }

  @Test
  void aFlippedDataByteIsReportedWithTheRecordOffset() throws IOException {
    Path file = writeSample();
    byte[] bytes = Files.readAllBytes(file);
    long second = nextRecord(bytes, 0);
    bytes[(int) second + 20] ^= 0x01;
    Files.write(file, bytes);

    IOException e = assertThrows(IOException.class, () -> TensorBoardReader.readScalars(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("offset " + second + ": data checksum"), e.getMessage());
  }

  @Test
  void aFlippedLengthByteIsReportedWithTheRecordOffset() throws IOException {
    Path file = writeSample();
    byte[] bytes = Files.readAllBytes(file);
    long third = nextRecord(bytes, nextRecord(bytes, 0));
    bytes[(int) third] ^= 0x01;
    Files.write(file, bytes);

    IOException e = assertThrows(IOException.class, () -> TensorBoardReader.readEvents(file));
    assertTrue(e.getMessage().contains("offset " + third + ": length checksum"), e.getMessage());
  }

  @Test
  void truncationIsReportedWithTheRecordOffset() throws IOException {
    Path file = writeSample();
    byte[] bytes = Files.readAllBytes(file);
    long last = nextRecord(bytes, nextRecord(bytes, nextRecord(bytes, 0)));
    assertEquals(bytes.length, nextRecord(bytes, last));

    for (long cut : new long[] {last + 5, last + 12, bytes.length - 1}) {
      Files.write(file, Arrays.copyOf(bytes, (int) cut));
      IOException e = assertThrows(IOException.class, () -> TensorBoardReader.readEvents(file));
      assertTrue(e.getMessage().contains("offset " + last + ": truncated"), cut + ": " + e.getMessage());
    }
  }

  @Test
  void anEmptyFileHoldsNoEvents() throws IOException {
    Path file = Files.createFile(dir.resolve("empty"));
    assertEquals(List.of(), TensorBoardReader.readEvents(file));
  }

  @Test
  void aRecordThatIsNotAnEventIsReported() throws IOException {
    Path file = dir.resolve("garbage");
    try (var out = Files.newOutputStream(file)) {
      TfRecord.write(out, new byte[] {(byte) 0xff, (byte) 0xff});
    }
    IOException e = assertThrows(IOException.class, () -> TensorBoardReader.readEvents(file));
    assertTrue(e.getMessage().contains("offset 0: not an Event"), e.getMessage());
  }
}
