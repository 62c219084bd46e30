package dev.ekg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Help;

/** Every command's help as {@code ekg <command> --help} prints it, at picocli's default 80 columns. */
class UsageHelpTest {
  /**
   * A line that ends in a word cut after a dot, e.g. {@code slimmed_params.} before {@code pkl}: the
   * next line, indented at least as deep (a continuation), starts in lower case or with a digit.
   */
  private static final Pattern ENDS_AFTER_DOT = Pattern.compile("\\w\\.$");
  private static final Pattern CONTINUES_WORD = Pattern.compile("^\\s*[a-z0-9]");

  private static Map<String, CommandLine> commands() {
    return Main.commandLine().getSubcommands();
  }

  private static String usage(CommandLine command) {
    return command.getUsageMessage(Help.Ansi.OFF);
  }

  /** Description, option list and command list: the parts that wrap text (the synopsis wraps its own way). */
  private static String wrappedParts(CommandLine command) {
    Help help = command.getHelpFactory().create(command.getCommandSpec(), Help.defaultColorScheme(Help.Ansi.OFF));
    return help.description() + help.optionList() + help.commandList();
  }

  private static int indent(String line) {
    return line.length() - line.stripLeading().length();
  }

  private static List<String> words(String text) {
    return Arrays.asList(text.strip().split("\\s+"));
  }

  /** picocli formats descriptions with String.format: a lone % makes it warn on stderr and print the raw text. */
  @Test
  void everyHelpRendersWithoutAPicocliWarning() {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      commands().values().forEach(UsageHelpTest::usage);
      usage(Main.commandLine());
    } finally {
      System.setErr(original);
    }
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void noLineEndsInAWordCutAtADot() {
    List<CommandLine> all = new ArrayList<>(commands().values());
    all.add(Main.commandLine());
    for (CommandLine command : all) {
      String[] lines = usage(command).split("\\R");
      for (int i = 0; i + 1 < lines.length; i++) {
        boolean continuation = indent(lines[i + 1]) >= indent(lines[i]) && CONTINUES_WORD.matcher(lines[i + 1]).find();
        assertTrue(!ENDS_AFTER_DOT.matcher(lines[i]).find() || !continuation,
            command.getCommandName() + ": '" + lines[i] + "' / '" + lines[i + 1] + "'");
      }
    }
  }

  /** Wrapped at 80 columns, every command's texts hold the same words as unwrapped: no break inside a word. */
  @Test
  void linesBreakOnlyBetweenWords() {
    for (CommandLine command : commands().values()) {
      List<String> wrapped = words(wrappedParts(command));
      command.setUsageHelpWidth(2000);
      assertEquals(words(wrappedParts(command)), wrapped, command.getCommandName());
    }
  }

  @Test
  void everySummaryInTheCommandListIsOneWholeSentence() {
    String list = String.join(" ", words(usage(Main.commandLine())));
    for (CommandLine command : commands().values()) {
      String summary = UsageHelp.summary(command.getCommandSpec().usageMessage());
      assertTrue(summary.endsWith("."), command.getCommandName() + ": " + summary);
      assertTrue(list.contains(command.getCommandName() + " " + String.join(" ", words(summary))),
          command.getCommandName() + " in: " + list);
    }
  }

  @Test
  void smallDefaultsReadAsWrittenAndParseToTheSameValue() {
    assertTrue(String.join(" ", words(usage(commands().get("train_cifar")))).contains("(default: 5e-4)"));
    assertTrue(String.join(" ", words(usage(commands().get("train")))).contains("(default: 1e-4)"));
    CommandLine main = Main.commandLine();
    main.parseArgs("train", "--data_path", "unused");
    assertEquals(1e-4f, (float) main.getSubcommands().get("train").getCommandSpec().findOption("--weight_decay")
        .getValue());
    main.parseArgs("train_cifar", "--data_path", "unused");
    assertEquals(5e-4f, (float) main.getSubcommands().get("train_cifar").getCommandSpec()
        .findOption("--weight_decay").getValue());
  }

  @Test
  void compactDefaultsOnlyRewriteENotation() {
    assertEquals("5e-4", UsageHelp.compactDefault(CommandLine.Model.OptionSpec.builder("--a").type(float.class)
        .initialValue(5e-4f).build()));
    assertEquals("1.5e-7", UsageHelp.compactDefault(CommandLine.Model.OptionSpec.builder("--b").type(double.class)
        .initialValue(1.5e-7).build()));
    assertNull(UsageHelp.compactDefault(CommandLine.Model.OptionSpec.builder("--c").type(double.class)
        .initialValue(0.05).build()));
    assertNull(UsageHelp.compactDefault(CommandLine.Model.OptionSpec.builder("--d").type(int.class)
        .initialValue(7).build()));
  }

  @Test
  void lineEndsAtTheLastSpaceThatFits() {
    String text = "writes slimmed_params.pkl and summary.json";
    assertEquals("writes".length(), SpaceWrappedTable.lineEnd(text, 0, 20));
    assertEquals("writes slimmed_params.pkl".length(), SpaceWrappedTable.lineEnd(text, 0, 25));
    assertEquals(text.length(), SpaceWrappedTable.lineEnd(text, 7, 100));
    assertEquals("writes slimmed_params.pkl".length(), SpaceWrappedTable.lineEnd(text, 7, 5),
        "a word longer than the line ends the line");
  }
}
