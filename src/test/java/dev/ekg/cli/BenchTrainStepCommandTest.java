package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTrainStepCommandTest {
  @TempDir Path dir;

  @Test
  void printsAndWritesOneRecordNamingTheProcessor() throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path json = dir.resolve("step.json");
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute("bench_train_step", "--arch", "ResNet-8", "--batch_size", "4", "--steps", "2", "--warmup", "1",
            "--json", json.toString()), err.toString());
    JsonNode printed = new ObjectMapper().readTree(out.toString().strip());
    assertEquals(printed, new ObjectMapper().readTree(Files.readString(json)));
    assertEquals("ekg-java", printed.get("impl").asText());
    assertEquals("ResNet-8", printed.get("arch").asText());
    assertEquals(2, printed.get("steps").asInt());
    assertTrue(printed.get("median_ms").asDouble() > 0, printed.toString());
    assertTrue(printed.get("processor").asText().matches("GPU|CPU \\((oneDNN|Eigen) kernels\\)"), printed.toString());
  }
}
