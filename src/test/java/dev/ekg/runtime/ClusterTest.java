package dev.ekg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.proto.ServerDef;

class ClusterTest {
  private static final String TWO = "{\"cluster\": {\"worker\": [\"hostA:2222\", \"hostB:2223\"]}, "
      + "\"task\": {\"type\": \"worker\", \"index\": 1}}";

  @Test
  void tfConfigNamesTheWorkersAndThisOne() {
    Cluster cluster = Cluster.fromTfConfig(TWO);
    assertEquals(List.of("hostA:2222", "hostB:2223"), cluster.workers());
    assertEquals(1, cluster.taskIndex());
    assertFalse(cluster.isChief());
    assertTrue(cluster.isDistributed());
    assertEquals("grpc://hostB:2223", cluster.target());
    assertEquals("/job:worker/task:1", cluster.deviceFilter());
    assertEquals("/job:worker/replica:0/task:1/device:CPU:1", cluster.device(DeviceSpec.DeviceType.CPU, 1).toString());
  }

  @Test
  void theServerDefinitionMakesTheChiefTheCollectiveGroupLeader() {
    ServerDef def = Cluster.fromTfConfig(TWO).serverDef(SessionOptions.DEFAULT.toConfigProto());
    assertEquals("worker", def.getJobName());
    assertEquals(1, def.getTaskIndex());
    assertEquals("grpc", def.getProtocol());
    assertEquals("hostA:2222", def.getCluster().getJob(0).getTasksOrThrow(0));
    assertEquals("/job:worker/replica:0/task:0", def.getDefaultSessionConfig().getExperimental().getCollectiveGroupLeader());
  }

  @Test
  void aMalformedTfConfigIsNamedWithWhatWasExpected() {
    for (String bad : new String[] {"not json", "{}", "{\"cluster\": {\"worker\": \"hostA:1\"}, \"task\": {\"type\": "
        + "\"worker\", \"index\": 0}}", "{\"cluster\": {\"worker\": [\"hostA:1\"]}, \"task\": {\"type\": \"ps\", "
        + "\"index\": 0}}"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cluster.fromTfConfig(bad));
      assertTrue(e.getMessage().startsWith("TF_CONFIG"), e.getMessage());
      assertTrue(e.getMessage().contains("expected {\"cluster\": {\"worker\": [\"host:port\", …]}"), e.getMessage());
      assertTrue(e.getMessage().endsWith("got '" + bad + "'"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cluster.fromTfConfig(
        "{\"cluster\": {\"worker\": [\"hostA:1\"]}, \"task\": {\"type\": \"worker\", \"index\": 3}}"));
    assertEquals("TF_CONFIG: expected 0 to 0 for 1 workers, got 3", e.getMessage());
  }

  @Test
  void oneWorkerIsALocalRun() {
    assertFalse(Cluster.LOCAL.isDistributed());
    assertTrue(Cluster.LOCAL.isChief());
    assertEquals(List.of(DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build().toString()),
        SessionOptions.DEFAULT.replicaDevices().stream().map(DeviceSpec::toString).toList());
  }
}
