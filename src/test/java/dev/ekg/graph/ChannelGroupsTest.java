package dev.ekg.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ekg.nn.Activation;
import dev.ekg.nn.Complexity;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelGroupsTest {
  /**
   * An inverted residual block on a 4-channel stem: expand 4→8 (1×1), depthwise 3×3, project 8→4
   * (1×1), add the block input, then a second block, pooling and a dense classifier.
   */
  private static LayerGraph invertedResiduals() {
    LayerGraph.Builder g = LayerGraph.builder();
    int x = g.add(new Layer.Input("images", 3));
    x = g.add(new Layer.BatchNormalization("bn", 4, 8, Activation.RELU), g.add(new Layer.Conv("conv", 3, 1, 3, 4, 8), x));
    for (int b = 0; b < 2; b++) {
      String p = "block" + b + "/";
      int h = g.add(new Layer.Conv(p + "expand", 1, 1, 4, 8, 8), x);
      h = g.add(new Layer.BatchNormalization(p + "expand_bn", 8, 8, Activation.RELU6), h);
      h = g.add(new Layer.DepthwiseConv(p + "depthwise", 3, 1, 8, 8), h);
      h = g.add(new Layer.BatchNormalization(p + "depthwise_bn", 8, 8, Activation.RELU6), h);
      h = g.add(new Layer.Conv(p + "project", 1, 1, 8, 4, 8), h);
      h = g.add(new Layer.BatchNormalization(p + "project_bn", 4, 8, Activation.LINEAR), h);
      x = g.add(new Layer.Add(p + "add", Activation.LINEAR), h, x);
    }
    x = g.add(new Layer.GlobalAveragePool("pool"), x);
    g.add(new Layer.Dense("fc", 4, 10), x);
    return g.build();
  }

  @Test
  void anAddJoinsItsInputsAndADepthwiseConvJoinsItsInputAndOutput() {
    ChannelGroups groups = ChannelGroups.derive(invertedResiduals());
    List<ChannelGroups.Group> g = groups.groups();
    assertEquals(3, g.size());
    assertEquals(new ChannelGroups.Group(0, "conv", 4,
        List.of("conv", "block0/project", "block1/project"),
        List.of("conv", "bn", "block0/project", "block0/project_bn", "block0/add",
            "block1/project", "block1/project_bn", "block1/add", "pool")), g.get(0));
    assertEquals(new ChannelGroups.Group(1, "block0/expand", 8, List.of("block0/expand"),
        List.of("block0/expand", "block0/expand_bn", "block0/depthwise", "block0/depthwise_bn")), g.get(1));
    assertEquals("block1/expand", g.get(2).name());
    assertEquals(3, g.get(0).numCall());
    assertEquals(1, groups.inGroup("block0/depthwise"));
    assertEquals(1, groups.outGroup("block0/depthwise"));
    assertEquals(1, groups.inGroup("block0/project"));
    assertEquals(0, groups.outGroup("block0/project"));
    assertEquals(0, groups.inGroup("fc"));
    assertEquals(-1, groups.outGroup("fc"), "the logits are fixed");
    assertEquals(-1, groups.inGroup("conv"), "the image is fixed");
  }

  @Test
  void complexityCountsEveryLayerAtItsKeptWidths() {
    ChannelGroups groups = ChannelGroups.derive(invertedResiduals());
    // stem conv 3·3·3·2 at 64 pixels, bn 2, per block: expand 2→5, depthwise 5, project 5→2, bns; fc 2→10
    long convParams = 9 * 3 * 2;
    long blockParams = 2 * 5 + 9 * 5 + 5 * 2;
    long bnParams = 4 * (2 + 2 * (5 + 5 + 2));
    long fcParams = 2 * 10 + 10;
    Complexity c = groups.complexity(new int[] {2, 5, 5});
    assertEquals(convParams + 2 * blockParams + bnParams + fcParams, c.params());
    long bnFlops = 2L * 64 * (2 + 2 * (5 + 5 + 2));
    assertEquals(64 * (convParams + 2 * blockParams) + bnFlops + 2 * 10, c.flops());
  }

  @Test
  void tensorsAddedTogetherMustHaveEqualWidths() {
    LayerGraph.Builder g = LayerGraph.builder();
    int x = g.add(new Layer.Input("images", 3));
    int a = g.add(new Layer.Conv("a", 1, 1, 3, 4, 8), x);
    int b = g.add(new Layer.Conv("b", 1, 1, 3, 5, 8), x);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> g.add(new Layer.Add("add", Activation.LINEAR), a, b));
    assertEquals("add adds tensors of different widths: [4, 5]", e.getMessage());
  }

  @Test
  void aLayerMustReadTheWidthItWasDeclaredWith() {
    LayerGraph.Builder g = LayerGraph.builder();
    int x = g.add(new Layer.Input("images", 3));
    int a = g.add(new Layer.Conv("a", 1, 1, 3, 4, 8), x);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> g.add(new Layer.DepthwiseConv("dw", 3, 1, 6, 8), a));
    assertEquals("dw expects 6 input channels but reads a tensor of 4", e.getMessage());
  }

  @Test
  void onlyAnAddReadsSeveralTensorsAndNamesAreUnique() {
    LayerGraph.Builder g = LayerGraph.builder();
    int x = g.add(new Layer.Input("images", 3));
    assertThrows(IllegalArgumentException.class, () -> g.add(new Layer.GlobalAveragePool("p"), x, x));
    assertThrows(IllegalArgumentException.class, () -> g.add(new Layer.GlobalAveragePool("images"), x));
    assertThrows(IllegalArgumentException.class, () -> g.add(new Layer.GlobalAveragePool("p"), 5));
  }
}
