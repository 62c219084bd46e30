package dev.ekg.cli;

import dev.ekg.data.IdxImport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The first run to try: the project's own Fashion-MNIST ResNet-20 pruned by {@code train_cifar} on a
 * short schedule. It only prepares the data and names the run; the pipeline is {@code train_cifar}'s.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prunes the shipped Fashion-MNIST ResNet-20 with EKG and compares it with the original.",
      "Keeps 45 %% of the FLOPs on a short schedule and ends with a table: top-1, params, FLOPs, latency and the "
          + "time of each phase. Installs Fashion-MNIST (Debian's dataset-fashion-mnist) and imports it into "
          + "--data_cache when needed; the run itself is the train_cifar command it prints."
    })
public final class DemoCommand implements Callable<Integer> {
  /** The baseline this project trained (checkpoints/README.md), found beside the launcher. */
  static final String BASELINE = "checkpoints/resnet20_fashion_mnist.pkl";

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(names = "--train_path", description = "output directory (default: ${DEFAULT-VALUE})")
  Path trainPath = Path.of("runs", "demo");

  @Option(names = "--overwrite", description = "replace an earlier demo run in --train_path (default: ${DEFAULT-VALUE})")
  boolean overwrite;

  @Option(names = "--resume", description = "continue an interrupted demo run in --train_path (default: ${DEFAULT-VALUE})")
  boolean resume;

  @Option(names = "--train_epoch", description = "fine-tuning epochs (default: ${DEFAULT-VALUE})")
  int trainEpoch = 3;

  @Option(names = "--learning_rate", description = "fine-tuning learning rate (default: ${DEFAULT-VALUE})")
  double learningRate = 0.02;

  @Option(names = "--decay_points", arity = "1..*", description = "epochs (or fractions of --train_epoch) where the learning "
      + "rate drops by --decay_rate (default: ${DEFAULT-VALUE})")
  List<Double> decayPoints = List.of(2.0);

  @Option(names = "--decay_rate", description = "factor of each learning-rate drop (default: ${DEFAULT-VALUE})")
  double decayRate = 0.1;

  @Option(names = "--train_per_class", description = "training images per class used by the run, of 6000 (default: ${DEFAULT-VALUE})")
  int trainPerClass = 1500;

  @Option(names = "--search_target_rate", description = "fraction of FLOPs to keep (default: ${DEFAULT-VALUE})")
  double searchTargetRate = .45;

  @Option(names = "--idx_path", description = "folder with Fashion-MNIST's IDX files (default: ${DEFAULT-VALUE}, "
      + "Debian's " + FashionMnistSource.PACKAGE + ")")
  Path idxPath = FashionMnistSource.DEBIAN_FOLDER;

  @Option(names = "--data_cache", description = "where Fashion-MNIST is imported once, in the CIFAR-10 binary layout (default: ${DEFAULT-VALUE})")
  Path dataCache = Path.of("runs", "data", "fashion-mnist");

  @Option(names = "--trained_param",
      description = "the network to prune (default: " + BASELINE + " of the folder that holds ekg)")
  Path trainedParam = Path.of(System.getProperty("ekg.home", ".")).resolve(BASELINE).normalize();

  @Option(names = "--threads", description = "intra-op threads; 0 = one per available core (default: ${DEFAULT-VALUE})")
  int threads = 0;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(trainedParam)) {
      throw new IllegalArgumentException("--trained_param " + trainedParam + " does not exist: it is the baseline "
          + "shipped in the project's " + BASELINE);
    }
    Path idx = FashionMnistSource.locate(idxPath, err);
    if (!Files.isDirectory(dataCache)) {
      err.println("demo: importing Fashion-MNIST from " + idx + " into " + dataCache);
      err.flush();
      IdxImport.run(idx, dataCache, false, IdxImport.ClassNames.FASHION_MNIST);
    }
    List<String> args = new ArrayList<>(List.of("train_cifar", "--arch", "ResNet-20", "--dataset", "CIFAR10",
        "--trained_param", underWorkingDirectory(trainedParam).toString(), "--data_path", dataCache.toString(),
        "--train_path", trainPath.toString(), "--search_target_rate", String.valueOf(searchTargetRate),
        "--train_epoch", String.valueOf(trainEpoch), "--learning_rate", String.valueOf(learningRate)));
    args.add("--decay_points");
    decayPoints.forEach(p -> args.add(String.valueOf(p)));
    args.addAll(List.of("--decay_rate", String.valueOf(decayRate), "--train_per_class", String.valueOf(trainPerClass),
        "--threads", String.valueOf(threads)));
    if (overwrite) {
      args.add("--overwrite");
    }
    if (resume) {
      args.add("--resume");
    }
    out.printf(Locale.ROOT, "demo: ./ekg %s%n", String.join(" ", args));
    out.flush();
    CommandLine trainCifar = Main.commandLine();
    trainCifar.setOut(out);
    trainCifar.setErr(err);
    return trainCifar.execute(args.toArray(String[]::new));
  }

  /** {@code path} relative to the working directory when it lies below it, so the printed command reads as typed. */
  private static Path underWorkingDirectory(Path path) {
    Path here = Path.of("").toAbsolutePath();
    Path absolute = path.toAbsolutePath().normalize();
    return absolute.startsWith(here) ? here.relativize(absolute) : path;
  }
}
