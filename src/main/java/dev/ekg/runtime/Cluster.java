package dev.ekg.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.DeviceSpec;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * The workers of a multi-worker run and which one this process is, in TensorFlow's
 * {@code TF_CONFIG} convention: {@code {"cluster": {"worker": ["host:port", …]}, "task": {"type":
 * "worker", "index": i}}}. Worker 0 is the chief. One worker alone is a local run.
 */
public record Cluster(List<String> workers, int taskIndex, int timeoutSeconds) {
  public static final String JOB = "worker";
  /** How long a collective waits for the other workers by default. */
  public static final int DEFAULT_TIMEOUT_SECONDS = 300;
  public static final Cluster LOCAL = new Cluster(List.of("localhost:0"), 0, DEFAULT_TIMEOUT_SECONDS);
  private static final String EXPECTED =
      "expected {\"cluster\": {\"worker\": [\"host:port\", …]}, \"task\": {\"type\": \"worker\", \"index\": i}}";

  public Cluster {
    workers = List.copyOf(workers);
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("--worker_hosts: expected at least one host:port, got none");
    }
    for (String worker : workers) {
      int colon = worker.lastIndexOf(':');
      if (colon <= 0 || !worker.substring(colon + 1).matches("\\d{1,5}")) {
        throw new IllegalArgumentException("--worker_hosts: expected host:port, got '" + worker + "'");
      }
    }
    if (timeoutSeconds < 1) {
      throw new IllegalArgumentException("--worker_timeout must be at least 1 second, got " + timeoutSeconds);
    }
    if (taskIndex < 0 || taskIndex >= workers.size()) {
      throw new IllegalArgumentException("--task_index: expected 0 to " + (workers.size() - 1) + " for "
          + workers.size() + " workers, got " + taskIndex);
    }
  }

  /** This cluster with collectives that give up after {@code seconds}. */
  public Cluster withTimeout(int seconds) {
    return new Cluster(workers, taskIndex, seconds);
  }

  /** The cluster {@code TF_CONFIG} describes; the one-line error names what it expected and got. */
  public static Cluster fromTfConfig(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("TF_CONFIG is not JSON: " + EXPECTED + ", got '" + json + "'");
    }
    JsonNode hosts = root == null ? null : root.path("cluster").get(JOB);
    JsonNode task = root == null ? null : root.get("task");
    if (hosts == null || !hosts.isArray() || task == null || !JOB.equals(task.path("type").asText())
        || !task.path("index").isInt()) {
      throw new IllegalArgumentException("TF_CONFIG: " + EXPECTED + ", got '" + json + "'");
    }
    List<String> workers = new ArrayList<>();
    hosts.forEach(h -> workers.add(h.asText()));
    try {
      return new Cluster(workers, task.get("index").asInt(), DEFAULT_TIMEOUT_SECONDS);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("TF_CONFIG" + e.getMessage().substring(e.getMessage().indexOf(':')));
    }
  }

  public int size() {
    return workers.size();
  }

  public boolean isChief() {
    return taskIndex == 0;
  }

  public boolean isDistributed() {
    return workers.size() > 1;
  }

  /** The session target of this worker's own server. */
  public String target() {
    return "grpc://" + workers.get(taskIndex);
  }

  /** This worker's device {@code type:index}, named in full so the cluster's placer keeps it here. */
  public DeviceSpec device(DeviceSpec.DeviceType type, int index) {
    return DeviceSpec.newBuilder().job(JOB).replica(0).task(taskIndex).deviceType(type).deviceIndex(index).build();
  }

  /**
   * The server definition of this worker: the collective group leader is the chief (without it the
   * first collective waits forever, tfjava-notes §5b).
   */
  public ServerDef serverDef(ConfigProto sessionConfig) {
    JobDef.Builder job = JobDef.newBuilder().setName(JOB);
    for (int i = 0; i < workers.size(); i++) {
      job.putTasks(i, workers.get(i));
    }
    ConfigProto config = sessionConfig.toBuilder()
        .setExperimental(sessionConfig.getExperimental().toBuilder().setCollectiveGroupLeader(chiefDevicePrefix()))
        .build();
    return ServerDef.newBuilder()
        .setCluster(ClusterDef.newBuilder().addJob(job))
        .setJobName(JOB)
        .setTaskIndex(taskIndex)
        .setProtocol("grpc")
        .setDefaultSessionConfig(config)
        .build();
  }

  private static String chiefDevicePrefix() {
    return "/job:" + JOB + "/replica:0/task:0";
  }

  /** The devices this worker's sessions may use: its own, so that no op lands on another worker. */
  public String deviceFilter() {
    return "/job:" + JOB + "/task:" + taskIndex;
  }
}
