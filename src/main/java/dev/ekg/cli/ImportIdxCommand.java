package dev.ekg.cli;

import dev.ekg.data.IdxImport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Converts MNIST-style IDX files into the CIFAR-10 binary layout (see {@link IdxImport}). */
@Command(
    name = "import_idx",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Converts an MNIST-style set of IDX files into the CIFAR-10 binary layout.",
      "Reads MNIST or Fashion-MNIST (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
          + "t10k-labels-idx1-ubyte, each raw or .gz) and writes what every command reads: 28×28 grey images padded "
          + "to 32×32 and copied into R, G and B, the training set in 5 equal data_batch_N.bin files."
    })
public final class ImportIdxCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(names = "--idx_path", required = true, paramLabel = "DIR", description = "folder with the four IDX files (required)")
  Path idxPath;

  @Option(names = "--data_path", required = true, paramLabel = "OUT",
      description = "output folder; must be absent or empty unless --overwrite (required)")
  Path dataPath;

  @Option(names = "--class_names", paramLabel = "SET",
      description = "names in batches.meta.txt: auto (fashion-mnist when the --idx_path contains \"fashion\", "
          + "mnist otherwise), fashion-mnist, mnist (the digits) or none (no file) (default: ${DEFAULT-VALUE})")
  String classNames = "auto";

  @Option(names = "--overwrite", description = "replace a non-empty --data_path once the new one is complete (default: ${DEFAULT-VALUE})")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    IdxImport.ClassNames names;
    try {
      names = IdxImport.ClassNames.fromFlag(classNames);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    IdxImport.Summary summary = IdxImport.run(idxPath, dataPath, overwrite, names);
    spec.commandLine().getOut().printf("imported %d train + %d test images from %s into %s (%s)%s%n",
        summary.trainImages(), summary.testImages(), idxPath, dataPath,
        summary.files().stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(", ")),
        summary.classNames().isEmpty() ? "" : ", classes " + String.join(", ", summary.classNames()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
