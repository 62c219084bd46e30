package dev.ekg.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ekg.Goldens;
import dev.ekg.graph.ChannelGroups;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The channel groups derived from each ResNet's layer graph are the gates the name-based rules of
 * reference §6.1 gave (golden/gate_plan, written from those rules and checked against the oracle's
 * {@code gate_names}/{@code conv_masks} for the CIFAR depths): names, widths, num_call, order, the
 * gates on every conv and on fc, and the §4.5 params/FLOPs.
 */
class GatePlanGoldenTest {
  @ParameterizedTest
  @CsvSource({"20, 10", "56, 10", "110, 100", "18, 1000", "50, 1000"})
  void derivedGroupsAreTheReferenceGates(int depth, int classes) {
    JsonNode golden = Goldens.json("gate_plan/resnet-" + depth + ".json");
    ResNetArchitecture arch = ResNetArchitecture.of(ResNetSpec.ofDepth(depth, classes));
    GatePlan plan = GatePlan.of(arch);

    List<String> expectedGates = new ArrayList<>();
    golden.get("gates").forEach(g ->
        expectedGates.add(g.get("name").asText() + " " + g.get("channels").asInt() + " " + g.get("num_call").asInt()));
    List<String> actualGates = new ArrayList<>();
    plan.channelGroups().groups().forEach(g -> actualGates.add(g.name() + " " + g.channels() + " " + g.numCall()));
    assertEquals(expectedGates, actualGates);

    Map<String, List<Integer>> expectedConvs = new LinkedHashMap<>();
    golden.get("conv_gates").fields().forEachRemaining(e ->
        expectedConvs.put(e.getKey(), List.of(e.getValue().get(0).asInt(), e.getValue().get(1).asInt())));
    Map<String, List<Integer>> actualConvs = new LinkedHashMap<>();
    ChannelGroups groups = plan.channelGroups();
    for (ConvUnit conv : arch.convUnits()) {
      actualConvs.put(conv.convName(), List.of(groups.inGroup(conv.convName()), groups.outGroup(conv.convName())));
    }
    assertEquals(expectedConvs, actualConvs);
    assertEquals(golden.get("fc_in_gate").asInt(), groups.inGroup("fc"));
    assertEquals(golden.get("params").asLong(), arch.complexity().params());
    assertEquals(golden.get("flops").asLong(), arch.complexity().flops());
  }

  @ParameterizedTest
  @CsvSource({"20, 10", "50, 1000"})
  void everyConvOfAGroupIsAProducerAndItsBatchNormAMember(int depth, int classes) {
    ResNetArchitecture arch = ResNetArchitecture.of(ResNetSpec.ofDepth(depth, classes));
    ChannelGroups groups = GatePlan.of(arch).channelGroups();
    for (ConvUnit conv : arch.convUnits()) {
      ChannelGroups.Group g = groups.groups().get(groups.outGroup(conv.convName()));
      assertEquals(true, g.producers().contains(conv.convName()), conv.convName());
      assertEquals(true, g.members().contains(conv.bnName()), conv.bnName());
      assertEquals(groups.outGroup(conv.convName()), groups.outGroup(conv.bnName()));
    }
  }
}
