package dev.ekg.cli;

import static dev.ekg.Goldens.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.pipeline.FineTuning;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `--compile` on two replicas: XLA compiles the replicas' step (its own JVM: the CPU global-jit
 * switch is process-wide) and ends near the uncompiled step.
 */
class MirroredCompileTest {
  @TempDir Path dir;

  private static List<String> trainArgs(Path data, Path run, String... extra) {
    return TinyTraining.args(data, run, 1, CommandArgs.with(List.of("--do_log", "0", "--replicas", "2"), extra)
        .toArray(String[]::new));
  }

  /**
   * TensorFlow logs at INFO that it compiled a cluster. XLA fuses and reorders float32 arithmetic,
   * which batch norm on 8-image shards amplifies over the 15 steps: 7e-5 from the uncompiled run
   * was measured; the bound is 1e-3.
   */
  @Test
  void twoCompiledReplicasEndNearTheUncompiledStep() throws Exception {
    Path data = TinyTraining.data(dir.resolve("data"));
    Path compiled = dir.resolve("compiled");
    ChildJvm child = ChildJvm.start(dir.resolve("compiled.log"), trainArgs(data, compiled, "--compile"),
        Map.of("TF_CPP_MIN_LOG_LEVEL", "0"));
    assertEquals(0, child.waitFor(), child.output());
    assertTrue(child.output().contains("Compiled cluster using XLA"), child.output());

    Path plain = dir.resolve("plain");
    StringWriter err = new StringWriter();
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(new StringWriter(), true))
        .setErr(new PrintWriter(err, true)).execute(trainArgs(data, plain, "--no-compile").toArray(String[]::new)),
        err.toString());
    Map<String, FloatArray> expected = PickleWeights.read(plain.resolve(FineTuning.TRAINED_PARAMS));
    Map<String, FloatArray> actual = PickleWeights.read(compiled.resolve(FineTuning.TRAINED_PARAMS));
    expected.forEach((key, value) -> assertClose(value, actual.get(key), 1e-3, 1e-6, key));
  }
}
