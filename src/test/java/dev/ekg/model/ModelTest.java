package dev.ekg.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ekg.Goldens;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.io.TensorArrays;
import dev.ekg.io.WeightFiles;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

class ModelTest {
  private static final ResNetSpec RESNET20 = ResNetSpec.of("ResNet-20", 10);

  @TempDir Path dir;

  private static FloatArray images() {
    return Goldens.npy("resnet56/images.npy");
  }

  private static FloatArray logits(Model model, BnMode mode) {
    try (TFloat32 t = TensorArrays.toTensor(images())) {
      return model.logits(t, mode);
    }
  }

  @Test
  void checkpointAndPickleRoundTripsKeepEveryWeightAndLogit() throws IOException {
    try (Model model = Model.create(ResNetArchitecture.of(RESNET20), SessionOptions.DEFAULT)) {
      LinkedHashMap<String, FloatArray> weights = model.weights();
      assertEquals(ResNetArchitecture.of(RESNET20).weightKeys().size(), weights.size());
      Path prefix = dir.resolve("ckpt/model");
      model.saveCheckpoint(prefix);
      assertTrue(Files.isRegularFile(dir.resolve("ckpt/model.index")));
      assertTrue(Files.isRegularFile(dir.resolve("ckpt/model.data-00000-of-00001")));
      assertEquals(weights, WeightFiles.read(prefix));
      assertEquals(weights, WeightFiles.read(dir.resolve("ckpt/model.index")));

      Path pkl = dir.resolve("weights.pkl");
      PickleWeights.write(pkl, weights);
      assertEquals(weights, WeightFiles.read(pkl));

      FloatArray expected = logits(model, BnMode.INFERENCE);
      try (Model reloaded =
          Model.withWeights(ResNetArchitecture.fromWeights(RESNET20, weights, "pkl"), weights,
              SessionOptions.DEFAULT)) {
        assertEquals(expected, logits(reloaded, BnMode.INFERENCE));
      }
      try (Model restored = Model.create(ResNetArchitecture.of(RESNET20), SessionOptions.DEFAULT)) {
        restored.restoreCheckpoint(prefix);
        assertEquals(expected, logits(restored, BnMode.INFERENCE));
      }
    }
  }

  @Test
  void exportedGraphDefReimportsRestoresACheckpointAndGivesTheSameLogits() throws IOException {
    Path prefix = dir.resolve("model");
    FloatArray expected;
    try (Model model = Model.create(ResNetArchitecture.of(RESNET20), SessionOptions.DEFAULT)) {
      model.saveCheckpoint(prefix);
      GraphExport.write(model, dir.resolve("graphs"), "ResNet-20-CIFAR10");
      expected = logits(model, BnMode.INFERENCE);
    }
    try (Model again = Model.create(ResNetArchitecture.of(RESNET20), SessionOptions.DEFAULT)) {
      GraphExport.write(again, dir.resolve("again"), "ResNet-20-CIFAR10");
    }
    assertArrayEquals(Files.readAllBytes(dir.resolve("graphs/ResNet-20-CIFAR10.pb")),
        Files.readAllBytes(dir.resolve("again/ResNet-20-CIFAR10.pb")), "exports are deterministic");
    String summary = Files.readString(dir.resolve("graphs/ResNet-20-CIFAR10.txt"));
    assertTrue(summary.contains("params 274042, FLOPs 41214592"), summary);
    GraphDef def = GraphDef.parseFrom(Files.readAllBytes(dir.resolve("graphs/ResNet-20-CIFAR10.pb")));
    try (Graph g = new Graph()) {
      g.importGraphDef(def);
      try (Session s = new Session(g);
          TString p = TString.scalarOf(prefix.toString());
          TFloat32 x = TensorArrays.toTensor(images())) {
        s.runner().feed("save/prefix", p).addTarget("save/restore_all").run();
        try (Result r = s.runner().feed("images", x).fetch("logits_bn_inference").run()) {
          assertEquals(expected, TensorArrays.toArray((TFloat32) r.get(0)));
        }
      }
    }
  }

  @Test
  void prunedWidthsComeFromTheArrayShapes() {
    Map<String, FloatArray> weights;
    try (Model model = Model.create(ResNetArchitecture.of(RESNET20), SessionOptions.DEFAULT)) {
      weights = model.weights();
    }
    int[] keep = {0, 3, 4, 9, 15};
    String block = "BasicBlock1.1/";
    weights.put(block + "conv1/kernel:0", weights.get(block + "conv1/kernel:0").select(3, keep));
    for (String stat : new String[] {"gamma", "beta", "moving_mean", "moving_variance"}) {
      weights.put(block + "bn1/" + stat + ":0", weights.get(block + "bn1/" + stat + ":0").select(3, keep));
    }
    weights.put(block + "conv2/kernel:0", weights.get(block + "conv2/kernel:0").select(2, keep));
    ResNetArchitecture pruned = ResNetArchitecture.fromWeights(RESNET20, weights, "pruned.pkl");
    assertEquals(5, pruned.blocks().get(4).conv1().outChannels());
    // conv1 loses 27 of 32 outputs: 3·3·(32·27 + 27·32) params, plus 4·27 of bn1
    assertEquals(274_042 - 9 * 2 * 32 * 27 - 4 * 27, pruned.complexity().params());
    try (Model model = Model.withWeights(pruned, weights, SessionOptions.DEFAULT)) {
      assertArrayEquals(new int[] {8, 10}, logits(model, BnMode.TRAIN).shape());
    }
  }

  @Test
  void mismatchedWeightsNameTheKeyAndBothShapes() throws IOException {
    Map<String, FloatArray> weights = PickleWeights.read(Goldens.pretrainedResNet56());
    var tooDeep =
        assertThrows(ArchitectureMismatchException.class,
            () -> ResNetArchitecture.fromWeights(RESNET20, weights, "res56.pkl"));
    assertTrue(tooDeep.getMessage().contains("res56.pkl") && tooDeep.getMessage().contains("ResNet-20"),
        tooDeep.getMessage());

    Map<String, FloatArray> broken = new LinkedHashMap<>(weights);
    broken.put("BasicBlock1.0/bn1/gamma:0", FloatArray.zeros(1, 1, 1, 31));
    var badShape =
        assertThrows(ArchitectureMismatchException.class,
            () -> ResNetArchitecture.fromWeights(ResNetSpec.of("ResNet-56", 10), broken, "x.pkl"));
    assertEquals("x.pkl: 'BasicBlock1.0/bn1/gamma:0' has shape [1, 1, 1, 31], expected [1, 1, 1, 32]",
        badShape.getMessage());

    broken.remove("fc/biases:0");
    broken.put("BasicBlock1.0/bn1/gamma:0", weights.get("BasicBlock1.0/bn1/gamma:0"));
    var missing =
        assertThrows(ArchitectureMismatchException.class,
            () -> ResNetArchitecture.fromWeights(ResNetSpec.of("ResNet-56", 10), broken, "x.pkl"));
    assertEquals("x.pkl: missing key 'fc/biases:0'", missing.getMessage());

    var wrongClasses =
        assertThrows(ArchitectureMismatchException.class,
            () -> ResNetArchitecture.fromWeights(ResNetSpec.of("ResNet-56", 100), weights, "res56.pkl"));
    assertEquals("res56.pkl: 'fc/kernel:0' has shape [64, 10], expected [64, 100]", wrongClasses.getMessage());
  }
}
