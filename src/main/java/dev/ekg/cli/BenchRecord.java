package dev.ekg.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ekg.io.AtomicFile;
import dev.ekg.runtime.Accelerators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.tensorflow.TensorFlow;

/** The benchmarks' JSON record: one object, with the runtime and processor it was measured on, as one line. */
final class BenchRecord {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchRecord() {}

  static ObjectNode create() {
    return JSON.createObjectNode();
  }

  /** {@code record} with {@code tf_runtime} and {@code processor} added, as one line of JSON. */
  static String line(ObjectNode record) throws JsonProcessingException {
    record.put("tf_runtime", TensorFlow.version());
    record.put("processor", Accelerators.processorLabel());
    return JSON.writeValueAsString(record);
  }

  /** Writes {@link #line} of {@code record} to {@code file}, atomically. */
  static void write(Path file, ObjectNode record) throws IOException {
    byte[] bytes = (line(record) + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(file, o -> o.write(bytes));
  }
}
