package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ekg.data.CifarVariant;
import dev.ekg.data.SyntheticCifar;
import dev.ekg.io.PickleWeights;
import dev.ekg.model.Architecture;
import dev.ekg.model.NetworkSpec;
import dev.ekg.pipeline.KeptChannelsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MobileNetV2-0.5 end to end on a small synthetic CIFAR: trained with {@code train}, pruned to the
 * FLOPs target by EKG and by global-L1 magnitude with {@code train_cifar}, tested with {@code test}.
 */
class MobileNetV2PipelineTest {
  private static final String ARCH = "MobileNetV2-0.5";
  private static final double TARGET = 0.7;
  @TempDir static Path dir;
  private static Path data;
  private static Path baseline;

  @BeforeAll
  static void train() throws IOException {
    data = dir.resolve("data");
    new SyntheticCifar(CifarVariant.CIFAR10, 24, 10, 31, SyntheticCifar.DEFAULT_NOISE).write(data, false);
    baseline = dir.resolve("baseline");
    run("train", "--arch", ARCH, "--data_path", data.toString(), "--train_path", baseline.toString(),
        "--train_epoch", "1", "--batch_size", "32", "--do_log", "0");
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args), err.toString());
    return out.toString();
  }

  private static String trainCifar(Path runDir, String... method) {
    List<String> args = CommandArgs.with(List.of("train_cifar", "--arch", ARCH, "--trained_param",
        baseline.resolve("trained_params.pkl").toString(), "--data_path", data.toString(), "--train_path",
        runDir.toString(), "--search_target_rate", String.valueOf(TARGET), "--search_step", "0.4",
        "--search_val_per_class", "4", "--search_train_per_class", "8", "--search_batch_size", "40",
        "--num_teacher", "2", "--train_epoch", "1", "--batch_size", "32", "--val_batch_size", "100", "--do_log", "0",
        "--threads", "1"), method);
    return run(args.toArray(String[]::new));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"ekg", "magnitude"})
  void prunesToTheTargetAndTheResultIsTestable(String method) throws IOException {
    Path runDir = dir.resolve(method);
    String out = trainCifar(runDir, "--method", method);
    JsonNode summary = new ObjectMapper().readTree(runDir.resolve("summary.json").toFile());
    long original = summary.get("original_flops").asLong();
    long pruned = summary.get("pruned_flops").asLong();
    assertEquals(NetworkSpec.parse(ARCH, 10).unpruned().complexity().flops(), original);
    assertTrue(pruned <= TARGET * original, pruned + " of " + original);
    assertTrue(pruned >= 0.5 * original, "one step past the target at most: " + pruned + " of " + original);

    Architecture arch = NetworkSpec.parse(ARCH, 10)
        .fromWeights(PickleWeights.read(runDir.resolve("trained_params.pkl")), "trained_params.pkl");
    assertEquals(pruned, arch.complexity().flops());
    int[][] kept = KeptChannelsFile.read(runDir);
    assertEquals(arch.channelGroups().size(), kept.length);
    for (int g = 0; g < kept.length; g++) {
      assertEquals(arch.channelGroups().groups().get(g).channels(), kept[g].length, "group " + g);
    }
    assertTrue(out.contains(method.equals("ekg") ? "memory bank: teachers [" : "memory bank: teacher the original network"),
        out);
    String tested = run("test", "--arch", ARCH, "--trained_param", runDir.resolve("trained_params.pkl").toString(),
        "--data_path", data.toString(), "--val_batch_size", "100", "--latency_runs", "2");
    assertTrue(tested.contains(String.format(Locale.ROOT, "FLOPS: %.2f", pruned / 1e6)), tested);
  }

  @Test
  void magnitudesPrunePhaseAloneNeedsTheTrainedNetwork() throws IOException {
    Path alone = dir.resolve("alone");
    String out = trainCifar(alone, "--method", "magnitude", "--phase", "search");
    assertTrue(out.startsWith("magnitude pruning: l1 scores, mean normalisation, global allocation keep "), out);
    assertEquals(NetworkSpec.parse(ARCH, 10).unpruned().channelGroups().size(), KeptChannelsFile.read(alone).length);
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
        .execute("train_cifar", "--arch", ARCH, "--method", "magnitude", "--phase", "prune", "--data_path",
            data.toString(), "--train_path", alone.toString());
    assertEquals(2, code);
    assertEquals("train_cifar: error: --trained_param is required: with --method magnitude the prune phase slices the "
        + "trained network\n", err.toString());
  }

  @Test
  void magnitudeRefusesTheEnsembleTeacher() {
    StringWriter err = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true))
        .execute("train_cifar", "--arch", ARCH, "--method", "magnitude", "--teacher", "ensemble", "--trained_param",
            baseline.resolve("trained_params.pkl").toString(), "--data_path", data.toString(), "--train_path",
            dir.resolve("refused").toString());
    assertTrue(code != 0);
    assertTrue(err.toString().contains("--teacher ensemble needs --method ekg"), err.toString());
    assertTrue(!Files.exists(dir.resolve("refused").resolve("arguments.json")));
  }
}
