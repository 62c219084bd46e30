package dev.ekg.cli;

import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/**
 * A picocli text table whose wrapping columns break lines at spaces only. picocli breaks where
 * {@link java.text.BreakIterator} allows, and the JDK's line rules allow a break after a dot
 * followed by a letter and between a number and a letter: {@code slimmed_params.} / {@code pkl},
 * {@code 5.0} / {@code E-4}.
 */
final class SpaceWrappedTable extends TextTable {
  private final ColorScheme scheme;

  SpaceWrappedTable(ColorScheme scheme, Column... columns) {
    super(scheme, columns);
    this.scheme = scheme;
  }

  /** A table with the columns and settings of {@code table}. */
  static SpaceWrappedTable copyOf(TextTable table, ColorScheme scheme) {
    SpaceWrappedTable copy = new SpaceWrappedTable(scheme, table.columns());
    copy.indentWrappedLines = table.indentWrappedLines;
    copy.setAdjustLineBreaksForWideCJKCharacters(table.isAdjustLineBreaksForWideCJKCharacters());
    return copy;
  }

  /**
   * Puts each line of the value separately, cut at spaces so that it fits, which leaves picocli's
   * own wrapping nothing to break but a word longer than the column.
   */
  @Override
  public Cell putValue(int row, int col, Text value) {
    Column column = columns()[col];
    if (column.overflow != Column.Overflow.WRAP || value == null) {
      return super.putValue(row, col, value);
    }
    String plain = value.plainString();
    Text continuation = scheme.text(" ".repeat(indentWrappedLines));
    Text indent = scheme.text("");
    Cell cell = new Cell(col, row);
    int start = 0;
    while (start < plain.length()) {
      int end = lineEnd(plain, start, column.width - column.indent - indent.plainString().length());
      cell = super.putValue(row, col, indent.concat(value.substring(start, end)));
      start = end;
      while (start < plain.length() && plain.charAt(start) == ' ') {
        start++;
      }
      if (start < plain.length()) {
        addEmptyRow();
        row = cell.row + 1;
        indent = continuation;
      }
    }
    return cell;
  }

  /**
   * Where the line of {@code text} that starts at {@code start} ends: before the last space that
   * leaves at most {@code room} characters, or after the first word when that alone is longer.
   */
  static int lineEnd(String text, int start, int room) {
    if (text.length() - start <= room) {
      return text.length();
    }
    int end = text.lastIndexOf(' ', start + room);
    while (end > start && text.charAt(end - 1) == ' ') {
      end--;
    }
    if (end > start) {
      return end;
    }
    int space = text.indexOf(' ', start + 1);
    return space < 0 ? text.length() : space;
  }
}
