package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.Goldens;
import dev.ekg.data.CifarReader;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.SyntheticCifar;
import dev.ekg.io.FloatArray;
import dev.ekg.io.NpyFile;
import dev.ekg.model.Model;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCommandTest {
  @TempDir static Path dir;
  private static Path data;
  private static Path checkpoint;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void prepare() throws IOException {
    data = dir.resolve("data");
    new SyntheticCifar(CifarVariant.CIFAR10, 2, 10, 3, SyntheticCifar.DEFAULT_NOISE).write(data, false);
    checkpoint = dir.resolve("ckpt/resnet20");
    try (Model model =
        Model.create(ResNetArchitecture.of(ResNetSpec.of("ResNet-20", 10)), SessionOptions.DEFAULT)) {
      model.saveCheckpoint(checkpoint);
    }
  }

  private int run(String... args) {
    return Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
  }

  @Test
  void printsTheReferenceLinesAndLatencyAndSavesLogitsInDatasetOrder() throws IOException {
    Path logits = dir.resolve("logits.npy");
    assertEquals(0, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(),
        "--data_path", data.toString(), "--val_batch_size", "32", "--save_logits", logits.toString(),
        "--latency_runs", "3"), err.toString());
    assertTrue(err.toString().contains("test: 100/100 images, "), err.toString());
    String[] lines = out.toString().split("\\R");
    Matcher accuracy =
        Pattern.compile("Test loss: (\\d+\\.\\d{4}), Test ACC\\. Top-1: (\\d\\.\\d{4}), Top-5: (\\d\\.\\d{4})")
            .matcher(lines[0]);
    assertTrue(accuracy.matches(), lines[0]);
    assertEquals("Params: 0.27 FLOPS: 41.21", lines[1]);
    assertTrue(lines[2].matches("Latency: \\d+\\.\\d\\d ms/batch of 32 \\(median of 3\\), \\d+\\.\\d images/s, inference mode, (GPU|CPU \\((oneDNN|Eigen) kernels\\))"),
        lines[2]);

    FloatArray saved = NpyFile.readFloat(logits);
    assertArrayEquals(new int[] {100, 10}, saved.shape());
    int[] labels = CifarReader.read(data, CifarVariant.CIFAR10).test().labels();
    int hits = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int c = 1; c < 10; c++) {
        best = saved.data()[i * 10 + c] > saved.data()[i * 10 + best] ? c : best;
      }
      hits += best == labels[i] ? 1 : 0;
    }
    assertEquals(String.format(java.util.Locale.ROOT, "%.4f", hits / 100.0), accuracy.group(2));
  }

  @Test
  void pretrainedResNet56FromThePickleReportsTheReferenceComplexity() {
    assertEquals(0, run("test", "--trained_param", Goldens.pretrainedResNet56().toString(),
        "--data_path", data.toString(), "--bn_mode", "inference", "--latency_runs", "1"), err.toString());
    assertTrue(out.toString().contains("Params: 0.86 FLOPS: 126.84"), out.toString());
    assertTrue(out.toString().contains("inference mode"), out.toString());
  }

  @Test
  void exportsTheGraph() throws IOException {
    Path graphs = dir.resolve("graphs");
    assertEquals(0, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint + ".index",
        "--data_path", data.toString(), "--export_graph", graphs.toString(), "--latency_runs", "1"), err.toString());
    assertTrue(Files.size(graphs.resolve("ResNet-20-CIFAR10.pb")) > 10_000);
    assertTrue(Files.readString(graphs.resolve("ResNet-20-CIFAR10.txt")).contains("fetch: logits_bn_inference"));
  }

  @Test
  void exportsTheSavedModelForServing() {
    Path served = dir.resolve("served");
    assertEquals(0, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(), "--data_path",
        data.toString(), "--export_savedmodel", served.toString(), "--latency_runs", "1"), err.toString());
    for (String file : new String[] {"saved_model.pb", "frozen_graph.pb", "variables/variables.index"}) {
      assertTrue(Files.isRegularFile(served.resolve(file)), file);
    }
  }

  @Test
  void userErrorsAreOneLineWithExitCodeTwo() throws IOException {
    assertEquals(2, run("test", "--trained_param", dir.resolve("nothing.pkl").toString(), "--data_path", data.toString()));
    assertTrue(err.toString().contains("nothing.pkl: no such weight file (expected a .pkl file or a checkpoint prefix"),
        err.toString());

    Path runDir = dir.resolve("a-run");
    assertTrue(runDir.toFile().mkdirs());
    Files.writeString(runDir.resolve("trained_params.pkl"), "listed, not read");
    err.getBuffer().setLength(0);
    assertEquals(2, run("test", "--trained_param", runDir.toString(), "--data_path", data.toString()));
    assertTrue(err.toString().contains(runDir + " is a directory: pass a .pkl file or a checkpoint prefix in it, e.g. "
        + runDir.resolve("trained_params.pkl")), err.toString());

    assertEquals(2, run("test", "--trained_param", checkpoint.toString(), "--data_path", data.toString()));
    assertTrue(err.toString().contains("does not have") || err.toString().contains("missing key"), err.toString());

    assertEquals(2, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(),
        "--data_path", data.toString(), "--bn_mode", "eval"));
    assertTrue(err.toString().contains("BN mode must be 'train' or 'inference', got 'eval'"), err.toString());

    assertEquals(2, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(),
        "--data_path", dir.resolve("nodata").toString()));
    assertTrue(err.toString().contains("--data_path " + dir.resolve("nodata") + " does not exist, expected a directory "
        + "with the CIFAR10 files"), err.toString());
    assertTrue(!err.toString().contains("\tat "), "no stack trace: " + err);
  }

  /** ResNet-20 weights as a .pkl with one array changed by {@code edit}. */
  private static Path editedWeights(String name, String key, java.util.function.Consumer<float[]> edit)
      throws IOException {
    try (Model model =
        Model.create(ResNetArchitecture.of(ResNetSpec.of("ResNet-20", 10)), SessionOptions.DEFAULT)) {
      java.util.Map<String, FloatArray> weights = model.weights();
      edit.accept(weights.get(key).data());
      Path file = dir.resolve(name);
      dev.ekg.io.PickleWeights.write(file, weights);
      return file;
    }
  }

  @Test
  void weightsThatComputeNaNAreRefusedNamingTheFileAndTheArray() throws IOException {
    Path nan = editedWeights("nan.pkl", "conv/kernel:0", w -> w[17] = Float.NaN);
    assertEquals(2, run("test", "--arch", "ResNet-20", "--trained_param", nan.toString(), "--data_path", data.toString()));
    assertEquals("test: error: " + nan + ": conv/kernel:0[3, 3, 3, 16] holds NaN at flat index 17 of 432, expected "
        + "finite weights\n", err.toString());
    assertEquals("", out.toString());

    err.getBuffer().setLength(0);
    Path variance = editedWeights("variance.pkl", "bn/moving_variance:0", v -> v[2] = -1);
    assertEquals(2, run("test", "--arch", "ResNet-20", "--trained_param", variance.toString(), "--data_path",
        data.toString(), "--bn_mode", "inference"));
    assertEquals("test: error: " + variance + ": bn/moving_variance:0[1, 1, 1, 16] holds -1.0 at flat index 2 of 16, "
        + "expected finite variances >= 0\n", err.toString());
  }

  @Test
  void logitsThatOverflowStopTheTestInsteadOfReportingAnAccuracy() throws IOException {
    Path huge = editedWeights("huge.pkl", "fc/kernel:0", w -> java.util.Arrays.fill(w, 3e38f));
    assertEquals(3, run("test", "--arch", "ResNet-20", "--trained_param", huge.toString(), "--data_path",
        data.toString(), "--bn_mode", "inference", "--val_batch_size", "32"));
    assertTrue(err.toString().startsWith("test: non-finite values: " + huge + " with --bn_mode inference: the logits "
        + "of images 0–31: "), err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void readsOnlyTheTestSplit() throws IOException {
    Path testOnly = dir.resolve("test-only");
    Files.createDirectories(testOnly);
    Files.copy(data.resolve("test_batch.bin"), testOnly.resolve("test_batch.bin"));
    assertEquals(0, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(), "--data_path",
        testOnly.toString(), "--latency_runs", "1"), err.toString());
    assertTrue(out.toString().startsWith("Test loss: "), out.toString());
  }

  @Test
  void theOtherCifarsFilesAreNamed() throws IOException {
    Path cifar100 = dir.resolve("cifar100");
    new SyntheticCifar(CifarVariant.CIFAR100, 1, 1, 3, SyntheticCifar.DEFAULT_NOISE).write(cifar100, false);
    assertEquals(2, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(), "--data_path",
        cifar100.toString()));
    assertTrue(err.toString().startsWith("test: error: no complete CIFAR10 dataset under " + cifar100 + ": it holds "
        + "CIFAR100 files (" + cifar100 + "), pass --dataset CIFAR100; looked for"), err.toString());
  }

  @Test
  void aDataPathWithoutADatasetNamesTheCommandsThatFillIt() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertEquals(2, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(), "--data_path",
        empty.toString()));
    assertTrue(err.toString().startsWith("test: error: no complete CIFAR10 dataset under " + empty + "; looked for"),
        err.toString());
    assertTrue(err.toString().endsWith("  `./ekg download --dataset CIFAR10 --data_path " + empty + "` fetches it; "
        + "`./ekg import_idx --idx_path IDX_DIR --data_path " + empty + "` makes one from MNIST-style IDX files\n"),
        err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void outputFlagsAreCheckedBeforeTheEvaluation() throws IOException {
    Path missingFolder = dir.resolve("no-such-folder/logits.npy");
    assertEquals(2, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(), "--data_path",
        data.toString(), "--save_logits", missingFolder.toString()));
    assertEquals("test: error: --save_logits " + missingFolder + ": the folder " + missingFolder.getParent()
        + " does not exist, expected an existing directory\n", err.toString());
    assertEquals("", out.toString());

    err.getBuffer().setLength(0);
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertEquals(2, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(), "--data_path",
        data.toString(), "--export_graph", file.toString()));
    assertEquals("test: error: --export_graph " + file + " is a file, expected a directory\n", err.toString());

    err.getBuffer().setLength(0);
    Path notEmpty = checkpoint.getParent();
    assertEquals(2, run("test", "--arch", "ResNet-20", "--trained_param", checkpoint.toString(), "--data_path",
        data.toString(), "--export_savedmodel", notEmpty.toString()));
    assertEquals("test: error: --export_savedmodel " + notEmpty + " is not empty, expected an absent or empty "
        + "directory\n", err.toString());
    assertEquals("", out.toString());
  }

  @Test
  void helpListsEveryFlagWithItsDefault() {
    assertEquals(0, run("test", "--help"));
    for (String flag : new String[] {"--arch", "--dataset", "--val_batch_size", "--trained_param", "--data_path",
        "--gpu_id", "--[no-]compile", "--bn_mode", "--save_logits", "--export_graph", "--export_savedmodel", "--latency_runs"}) {
      assertTrue(out.toString().contains(flag), flag + " in\n" + out);
    }
    assertTrue(out.toString().contains("(default: train)"), out.toString());
    assertTrue(out.toString().contains("(default: ResNet-56)"), out.toString());
  }
}
