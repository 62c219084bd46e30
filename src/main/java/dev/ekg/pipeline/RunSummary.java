package dev.ekg.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ekg.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code summary.json}: the original and the pruned network of a {@code train_cifar} run compared
 * (keys in snake case: {@code search_target_rate}, {@code original_params}, …). Accuracies are top-1
 * on the test set in percent, in inference-mode BN (moving statistics), as the per-epoch test of
 * fine-tuning; latencies the median milliseconds per batch of {@code latencyBatchSize} images in
 * inference mode, the two networks timed alternately.
 *
 * @param searchTargetRate {@code --search_target_rate}, the fraction of FLOPs to keep
 * @param testAccuracyPercent the pruned network's, after the last fine-tuning epoch
 * @param originalTestAccuracyPercent the {@code --trained_param} network's; null (as its latency and
 *     the speed-up) when the run was not given {@code --trained_param}
 * @param latencySpeedup original / pruned latency
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunSummary(
    double searchTargetRate, long originalParams, long originalFlops, long prunedParams, long prunedFlops,
    double flopsReductionPercent, Double originalTestAccuracyPercent, double testAccuracyPercent,
    Double originalLatencyMs, double prunedLatencyMs, Double latencySpeedup, int latencyBatchSize,
    double searchSeconds, double pruneSeconds, double fineTuneSeconds) {
  public static final String FILE = "summary.json";
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  public void write(Path runDir) throws IOException {
    AtomicFile.writeJson(runDir.resolve(FILE), JSON, this);
  }

  public static RunSummary read(Path runDir) throws IOException {
    Path file = runDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " is missing: the run has not finished its fine-tuning phase");
    }
    try {
      return JSON.readValue(file.toFile(), RunSummary.class);
    } catch (IOException e) {
      throw new IOException(file + ": unreadable run summary: " + e.getMessage(), e);
    }
  }
}
