package dev.ekg.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The usage help of every command: picocli's layout, with the description, the option list and the
 * command list wrapped at spaces only ({@link SpaceWrappedTable}), and defaults such as
 * {@code 5.0E-4} shown as {@code 5e-4}. A command's summary in {@code ekg --help} is the first
 * line of its description, so that line is one whole sentence.
 */
final class UsageHelp extends Help {
  UsageHelp(CommandSpec spec, ColorScheme scheme) {
    super(spec, scheme);
  }

  /** Installs this help and the compact defaults on {@code commandLine} and its subcommands. */
  static CommandLine install(CommandLine commandLine) {
    return commandLine.setHelpFactory(UsageHelp::new).setDefaultValueProvider(UsageHelp::compactDefault);
  }

  /**
   * A float or double default in Java's E notation written as {@code 5e-4}; null (the field's own
   * value) for any other option. The digits are Java's shortest round-trip ones, so picocli parses
   * the string back to the very same value.
   */
  static String compactDefault(ArgSpec arg) {
    Object initial = arg.initialValue();
    if (!(initial instanceof Float || initial instanceof Double)) {
      return null;
    }
    String text = initial.toString();
    return text.contains("E") ? text.replace(".0E", "E").replace('E', 'e') : null;
  }

  @Override
  public Layout createDefaultLayout(
      List<OptionSpec> options, List<PositionalParamSpec> positionals, ColorScheme scheme) {
    Layout layout = super.createDefaultLayout(options, positionals, scheme);
    return new Layout(scheme, SpaceWrappedTable.copyOf(layout.textTable(), scheme), layout.optionRenderer(),
        layout.parameterRenderer());
  }

  @Override
  public String description(Object... params) {
    TextTable table = new SpaceWrappedTable(colorScheme(),
        new Column(commandSpec().usageMessage().width(), 0, Column.Overflow.WRAP));
    table.indentWrappedLines = 0;
    for (String line : commandSpec().usageMessage().description()) {
      for (Text part : colorScheme().text(String.format(line, params)).splitLines()) {
        table.addRowValues(part);
      }
    }
    return table.toString();
  }

  /** picocli's command list (names, then each command's summary), wrapped at spaces. */
  @Override
  public String commandList(Map<String, Help> subcommands) {
    if (subcommands.isEmpty()) {
      return "";
    }
    int width = commandSpec().usageMessage().width();
    int names = Math.min(subcommands.keySet().stream().mapToInt(String::length).max().orElse(0), width / 2);
    TextTable table = new SpaceWrappedTable(colorScheme(), new Column(names + 2, 2, Column.Overflow.SPAN),
        new Column(width - names - 2, 2, Column.Overflow.WRAP));
    for (Help command : subcommands.values()) {
      Text[] lines = colorScheme().text(summary(command.commandSpec().usageMessage())).splitLines();
      for (int i = 0; i < lines.length; i++) {
        table.addRowValues(i == 0 ? command.commandNamesText(", ") : colorScheme().text(""), lines[i]);
      }
    }
    return table.toString();
  }

  /** What {@code ekg --help} lists for a command: its header's first line, else its description's. */
  static String summary(UsageMessageSpec usage) {
    String[] text = usage.header().length > 0 ? usage.header() : usage.description();
    return text.length > 0 ? String.format(text[0]) : "";
  }
}
