package dev.ekg.cli;

import java.util.ArrayList;
import java.util.List;

/** A test's base command line with some flags replaced or added. */
final class CommandArgs {
  private CommandArgs() {}

  /** {@code base} where each flag of {@code extra} replaces the value it has there, or is added. */
  static List<String> with(List<String> base, String... extra) {
    List<String> args = new ArrayList<>(base);
    for (int i = 0; i < extra.length; i++) {
      int given = args.indexOf(extra[i]);
      boolean hasValue = i + 1 < extra.length && !extra[i + 1].startsWith("--");
      if (given >= 0 && hasValue) {
        args.set(given + 1, extra[++i]);
      } else {
        args.add(extra[i]);
      }
    }
    return args;
  }
}
