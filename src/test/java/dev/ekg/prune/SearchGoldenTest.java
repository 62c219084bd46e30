package dev.ekg.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.Goldens;
import dev.ekg.criteria.ScoringContext;
import dev.ekg.data.ValidationSet;
import dev.ekg.io.FloatArray;
import dev.ekg.io.PickleWeights;
import dev.ekg.model.GatePlan;
import dev.ekg.model.Model;
import dev.ekg.model.ResNetArchitecture;
import dev.ekg.model.ResNetSpec;
import dev.ekg.runtime.CpuKernels;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The EKG importance and the first search steps of the pretrained ResNet-56 against the oracle
 * (64 validation images in batches of 48 and 16, no warm-up, target 0.45).
 */
@Tag("kernel-sensitive")
@Tag("oracle-kernels")
class SearchGoldenTest {
  private static final double ONEDNN_FLOOR = 2e-2;
  private static Model model;
  private static SearchGraph graph;
  private static ValidationSet val;
  private static float[] knowledge;

  @BeforeAll
  static void open() throws IOException {
    Map<String, FloatArray> weights = PickleWeights.read(Goldens.pretrainedResNet56());
    ResNetSpec spec = ResNetSpec.of("ResNet-56", 10);
    model = Model.gated(ResNetArchitecture.fromWeights(spec, weights, "res56"), weights, SessionOptions.DEFAULT);
    graph = new SearchGraph(model, 48);
    val = Goldens.searchImages(48);
    knowledge = Goldens.npy("search/importance/knowledge.npy").data();
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static float[][] allOnes() {
    float[][] masks = new float[30][];
    for (int g = 0; g < 30; g++) {
      masks[g] = new float[model.network().gates().get(g).channels()];
      java.util.Arrays.fill(masks[g], 1f);
    }
    return masks;
  }

  @Test
  void initialKnowledgeIsTheUnprunedNetworksLogits() {
    model.setMasks(allOnes());
    CandidateEvaluator.Evaluation e = graph.evaluate(val, new float[knowledge.length]);
    Goldens.assertClose(new FloatArray(new int[] {64, 10}, knowledge), new FloatArray(new int[] {64, 10}, e.logits()), 1e-4);
  }

  /**
   * Per gate within 1e-4 or three times the oracle's own float32 error on the oracle's kernels
   * (Eigen). TensorFlow's default oneDNN kernels are less accurate on this ill-conditioned problem
   * and depend on the process's history (kernels cached with the thread count of the session that
   * built them): 0.6 % at gates 24–27 with the oracle's masks in a fresh JVM, where Eigen is within
   * 5e-6 of both the oracle and float64, and up to 1.5 % on any gate after a one-thread session;
   * there every gate is held to 2 % (README, "Numerics").
   */
  @Test
  void importanceScoresOfAll30Gates() {
    boolean oracleKernels = CpuKernels.active() == CpuKernels.EIGEN;
    model.setMasks(allOnes());
    assertScores("search/importance/scores_full.json", "search/importance/float32_rel_err_full.json",
        graph.scores(GatePlan.of(model.architecture()).channelGroups(), ScoringContext.ofData(val, knowledge)), oracleKernels ? 1e-4 : ONEDNN_FLOOR);
    model.setMasks(dev.ekg.prune.PhysicalPruningTest.oracleMasks());
    float[][] masked = graph.scores(GatePlan.of(model.architecture()).channelGroups(), ScoringContext.ofData(val, knowledge));
    assertScores("search/importance/scores_masked.json", "search/importance/float32_rel_err_masked.json", masked,
        oracleKernels ? 1e-4 : ONEDNN_FLOOR);
    assertEquals(0f, masked[1][oracleZero(1)], "a masked channel scores 0");
  }

  private static int oracleZero(int gate) {
    float[] mask = dev.ekg.prune.PhysicalPruningTest.oracleMasks()[gate];
    for (int c = 0; c < mask.length; c++) {
      if (mask[c] == 0f) {
        return c;
      }
    }
    throw new AssertionError("gate " + gate + " keeps every channel");
  }

  /**
   * Per gate within {@code floor}, or three times the oracle's own float32-vs-float64 error where that is
   * larger: like its gradients, this pretrained net's scores are ill-conditioned in float32 (the
   * oracle itself is up to 1 % from float64, for every synthetic image set tried, on the gates
   * before some block). |ours − oracle| ≤ |ours − exact| + |oracle − exact|, so the bound allows
   * our float32 error to be up to twice the oracle's.
   */
  private static void assertScores(String golden, String precision, float[][] actual, double floor) {
    JsonNode expected = Goldens.json(golden);
    JsonNode float32Error = Goldens.json(precision);
    assertEquals(30, expected.size());
    for (int g = 0; g < 30; g++) {
      JsonNode e = expected.get(g);
      float[] values = new float[e.size()];
      for (int c = 0; c < values.length; c++) {
        values[c] = (float) e.get(c).asDouble();
      }
      double bound = Math.max(floor, 3 * float32Error.get(g).asDouble());
      Goldens.assertClose(new FloatArray(new int[] {values.length}, values),
          new FloatArray(new int[] {actual[g].length}, actual[g]), bound, 0, golden + " gate " + g);
    }
  }

  /** Both readings of the pruning cost: as §6.4(b) describes it, and as the reference's code computes it. */
  @ParameterizedTest
  @CsvSource({"spec_text, SPEC_SLICE", "reference_code, AS_EXECUTED"})
  void firstThreeStepsShortlistAndChooseLikeTheOracle(String golden, PruningCost cost) {
    JsonNode steps = Goldens.json("search/search_steps/" + golden + "/steps.json").get("steps");
    List<EkgSearch.Step> accepted = new ArrayList<>();
    List<EkgSearch.State> states = new ArrayList<>();
    EkgSearch search = new EkgSearch(model, graph, graph, val, new EkgSearch.Settings(0.45, 0.2, cost));
    search.run((step, state) -> {
      accepted.add(step);
      states.add(state);
    }, search.start(), 2);
    // the third step continues from the saved state, as a resumed search does
    search.run((step, state) -> accepted.add(step), states.get(1), 1);
    assertEquals(3, accepted.size());
    for (int k = 0; k < 3; k++) {
      JsonNode expected = steps.get(k);
      int[] evaluated = new int[expected.get("evaluated").size()];
      for (int i = 0; i < evaluated.length; i++) {
        evaluated[i] = expected.get("evaluated").get(i).asInt();
      }
      assertArrayEquals(evaluated, accepted.get(k).evaluated(), "shortlist of step " + (k + 1));
      assertEquals(expected.get("chosen").asInt(), accepted.get(k).gate(), "gate chosen at step " + (k + 1));
      assertEquals(expected.get("loss").asDouble(), accepted.get(k).valLoss(), 1e-4, "val loss of step " + (k + 1));
      assertTrue(Math.abs(expected.get("flops_ratio").asDouble() - accepted.get(k).flopsRate()) < 1e-6);
    }
  }
}
