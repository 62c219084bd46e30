package dev.ekg.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ekg} launcher: one subcommand per tool, mirroring the reference's scripts. */
@Command(
    name = "ekg",
    mixinStandardHelpOptions = true,
    version = "EKG-Java 0.1.0",
    description = "Ensemble Knowledge Guided filter pruning (EKG, ECCV 2022) on TensorFlow Java.",
    subcommands = {
      DemoCommand.class,
      TestCommand.class,
      SyntheticCifarCommand.class,
      ImportIdxCommand.class,
      DownloadCommand.class,
      TrainCifarCommand.class,
      TrainCommand.class,
      BenchTrainStepCommand.class,
      BenchSearchCommand.class,
      BenchLatencyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand (see --help)");
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests call {@code execute} on it. */
  public static CommandLine commandLine() {
    return UsageHelp.install(new CommandLine(new Main()))
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new UserErrors());
  }
}
