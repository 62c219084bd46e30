package dev.ekg.cli;

import dev.ekg.data.CifarDataset;
import dev.ekg.data.CifarReader;
import dev.ekg.data.CifarSplits;
import dev.ekg.data.CifarVariant;
import dev.ekg.model.NetworkSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which network and which data: the flags every command that evaluates or trains shares. */
final class DataOptions {
  @Option(names = "--arch",
      description = "ResNet-<depth>: 20, 32, 44, 56, 110 (CIFAR) or 18, 34, 50 (default: ${DEFAULT-VALUE})")
  String arch = "ResNet-56";

  @Option(names = "--dataset", description = "CIFAR10 or CIFAR100 (default: ${DEFAULT-VALUE})")
  String dataset = "CIFAR10";

  @Option(names = "--data_path", required = true,
      description = "directory with the CIFAR binary (*.bin) or python-pickle batches, or their archive folder")
  Path dataPath;

  CifarVariant variant() {
    return CifarVariant.fromName(dataset);
  }

  /** The architecture family named by {@code --arch} with {@code --dataset}'s class count. */
  NetworkSpec spec() {
    return NetworkSpec.parse(arch, variant().numClasses());
  }

  /** The paths a run reads, by flag, for {@link RunDirectory}: --data_path and {@code trainedParam}. */
  Map<String, Path> reads(Path trainedParam) {
    Map<String, Path> reads = new LinkedHashMap<>();
    reads.put("--data_path", dataPath);
    reads.put("--trained_param", trainedParam);
    return reads;
  }

  CifarSplits read() throws IOException {
    return CifarReader.read(dataPath, variant());
  }

  /** The test split alone, for commands that never read the training files. */
  CifarDataset readTest() throws IOException {
    return CifarReader.readTest(dataPath, variant());
  }
}
