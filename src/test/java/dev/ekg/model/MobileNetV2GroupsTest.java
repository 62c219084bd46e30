package dev.ekg.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ekg.graph.ChannelGroups;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MobileNetV2-0.5's derived channel groups against the ones worked out by hand from its definition. */
class MobileNetV2GroupsTest {
  @Test
  void groupsOfWidthHalf() {
    // α = 0.5: stem 16; stage widths 8, 16 (12 rounds up to 16), 16, 32, 48, 80, 160; last conv 1280.
    // Expansion groups hold t·in channels; a stage's residual blocks add into its first projection.
    List<String> expected = List.of(
        "conv 16 1",                  // the t = 1 block's depthwise conv joins the stem's channels
        "Block0.0/project 8 1",       // 16 → 8: no residual
        "Block1.0/expand 48 1", "Block1.0/project 16 2", "Block1.1/expand 96 1",
        "Block2.0/expand 96 1", "Block2.0/project 16 3", "Block2.1/expand 96 1", "Block2.2/expand 96 1",
        "Block3.0/expand 96 1", "Block3.0/project 32 4", "Block3.1/expand 192 1", "Block3.2/expand 192 1",
        "Block3.3/expand 192 1",
        "Block4.0/expand 192 1", "Block4.0/project 48 3", "Block4.1/expand 288 1", "Block4.2/expand 288 1",
        "Block5.0/expand 288 1", "Block5.0/project 80 3", "Block5.1/expand 480 1", "Block5.2/expand 480 1",
        "Block6.0/expand 480 1", "Block6.0/project 160 1",
        "conv_last 1280 1");
    ChannelGroups groups = NetworkSpec.parse("MobileNetV2-0.5", 10).unpruned().channelGroups();
    List<String> actual = new ArrayList<>();
    groups.groups().forEach(g -> actual.add(g.name() + " " + g.channels() + " " + g.numCall()));
    assertEquals(expected, actual);

    assertEquals(List.of("conv", "bn", "Block0.0/depthwise", "Block0.0/depthwise_bn"), groups.groups().get(0).members());
    assertEquals(List.of("Block1.1/expand", "Block1.1/expand_bn", "Block1.1/depthwise", "Block1.1/depthwise_bn"),
        groups.groups().get(4).members());
    assertEquals(List.of("Block2.0/project", "Block2.1/project", "Block2.2/project"), groups.groups().get(6).producers());
    assertEquals(3, groups.inGroup("Block2.0/expand"), "Block2.0 reads stage 1's output, Block1.1's add");
    assertEquals(3, groups.outGroup("Block1.1/add"));
    assertEquals(4, groups.inGroup("Block1.1/project"));
    assertEquals(24, groups.inGroup("fc"));
    assertEquals(-1, groups.outGroup("fc"));
  }
}
