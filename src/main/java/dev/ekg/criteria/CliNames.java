package dev.ekg.criteria;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The command-line spelling of an option enum: its constant names in lower case. */
public final class CliNames {
  private CliNames() {}

  public static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  /**
   * The constant of {@code type} spelt {@code text} on the command line.
   *
   * @throws IllegalArgumentException naming {@code flag}, the accepted spellings and {@code text}
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String flag, String text) {
    E[] constants = type.getEnumConstants();
    for (E constant : constants) {
      if (of(constant).equals(text)) {
        return constant;
      }
    }
    throw new IllegalArgumentException(flag + " must be one of "
        + Arrays.stream(constants).map(CliNames::of).collect(Collectors.joining(", ")) + ", got '" + text + "'");
  }
}
