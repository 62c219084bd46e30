package dev.ekg.report;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Number formatting shared by the table and the charts. */
final class Format {
  private Format() {}

  /** At most two decimals, trailing zeros dropped: 45 for 45.000000000000007, 44.99 for 44.9876. */
  static String compact(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }
}
