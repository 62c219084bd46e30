package dev.ekg.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.DeterministicWeights;
import dev.ekg.Goldens;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.io.TensorArrays;
import dev.ekg.method.StructuralEdit;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

/**
 * The exported SavedModel, loaded by TF Java's own loader, and the frozen GraphDef, imported into a
 * fresh graph, compute the model's inference-mode logits, with every batch norm folded away.
 *
 * <p>As in PrunedEqualsMaskedTest the moving statistics are first re-estimated on the images:
 * random statistics make a deep network so ill-conditioned that float32 rounding alone (which
 * folding changes) moves its logits far more than the export could. MobileNetV2 gets that test's
 * 1e-4 for the same reason.
 */
class InferenceExportTest {
  private static final int STATISTICS_UPDATES = 40;
  private static final int IMAGES = 8;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}, pruned {1}")
  @CsvSource({"ResNet-20, false, 1e-5", "ResNet-20, true, 1e-5", "ResNet-18, true, 1e-5", "MobileNetV2-0.5, true, 1e-4"})
  void savedModelAndFrozenGraphGiveTheInferenceLogits(String archName, boolean pruned, double tolerance)
      throws IOException {
    NetworkSpec spec = NetworkSpec.parse(archName, 10);
    Architecture unpruned = spec.unpruned();
    Map<String, FloatArray> weights = DeterministicWeights.weights(unpruned, 31);
    if (pruned) {
      weights = everyThirdChannelRemoved(unpruned.channelGroups()).apply(unpruned.channelGroups(), weights);
    }
    Path export = dir.resolve("export");
    FloatArray expected;
    try (Model model = Model.open(spec, weights, "test", SessionOptions.DEFAULT);
        TFloat32 images = TensorArrays.toTensor(DeterministicWeights.images(32, IMAGES, unpruned.inputSize()))) {
      for (int i = 0; i < STATISTICS_UPDATES; i++) {
        model.updateBatchNormStatistics(images);
      }
      expected = model.logits(images, BnMode.INFERENCE);
      InferenceExport.write(model, export, "--export_savedmodel");

      try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), InferenceExport.TAG);
          Result result = bundle.function(InferenceExport.SIGNATURE).call(Map.of(InferenceExport.INPUT, images))) {
        Signature signature = bundle.function(InferenceExport.SIGNATURE).signature();
        assertEquals(Set.of("images"), signature.inputNames());
        assertEquals(Set.of("logits"), signature.outputNames());
        assertNoBatchNorm(bundle.metaGraphDef().getGraphDef());
        FloatArray served = TensorArrays.toArray((TFloat32) result.get("logits").orElseThrow());
        Goldens.assertClose(expected, served, tolerance, 0, archName + " SavedModel");
      }

      GraphDef frozen = GraphDef.parseFrom(Files.readAllBytes(export.resolve(InferenceExport.FROZEN_GRAPH)));
      assertNoBatchNorm(frozen);
      assertFalse(frozen.getNodeList().stream().anyMatch(n -> n.getOp().contains("Variable")), "frozen: no variables");
      try (Graph graph = new Graph()) {
        graph.importGraphDef(frozen);
        try (Session session = new Session(graph);
            Result result = session.runner().feed("images", images).fetch("logits").run()) {
          Goldens.assertClose(expected, TensorArrays.toArray((TFloat32) result.get(0)), tolerance, 0,
              archName + " frozen graph");
        }
      }
    }
    try (Stream<Path> files = Files.list(export)) {
      assertEquals(List.of("frozen_graph.pb", "saved_model.pb", "variables"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  /** Keeps channels c with (c + group) mod 3 ≠ 0 of every group: about two thirds, never none. */
  private static StructuralEdit everyThirdChannelRemoved(ChannelGroups groups) {
    int[][] kept = new int[groups.size()][];
    for (ChannelGroups.Group g : groups.groups()) {
      kept[g.index()] = IntStream.range(0, g.channels()).filter(c -> (c + g.index()) % 3 != 0).toArray();
    }
    return new StructuralEdit(kept);
  }

  private static void assertNoBatchNorm(GraphDef graph) {
    List<String> batchNorms =
        graph.getNodeList().stream().map(NodeDef::getOp).filter(op -> op.contains("BatchNorm")).toList();
    assertEquals(List.of(), batchNorms, "batch norm ops left in the graph");
  }

  @Test
  void refusesAFileOrANonEmptyDirectoryNamingTheFlag() throws IOException {
    Architecture arch = NetworkSpec.parse("ResNet-20", 10).unpruned();
    Path full = Files.createDirectories(dir.resolve("full"));
    Files.writeString(full.resolve("keep.txt"), "mine");
    Path file = Files.writeString(dir.resolve("file"), "mine");
    try (Model model = Model.create(arch, SessionOptions.DEFAULT)) {
      IllegalArgumentException notEmpty =
          assertThrows(IllegalArgumentException.class, () -> InferenceExport.write(model, full, "--export_savedmodel"));
      assertEquals("--export_savedmodel " + full + " is not empty, expected an absent or empty directory",
          notEmpty.getMessage());
      IllegalArgumentException isFile =
          assertThrows(IllegalArgumentException.class, () -> InferenceExport.write(model, file, "--export_savedmodel"));
      assertEquals("--export_savedmodel " + file + " is a file, expected a directory", isFile.getMessage());
    }
    assertEquals("mine", Files.readString(full.resolve("keep.txt")));
    try (Stream<Path> left = Files.list(dir)) {
      assertTrue(left.noneMatch(p -> p.getFileName().toString().contains(".partial-")), "no temporary folder left");
    }
  }
}
