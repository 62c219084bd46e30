package dev.ekg.graph;

/**
 * {@code --round_to N} (as Torch-Pruning's {@code round_to}): which kept channel counts a group of C
 * channels may have. A pruned group keeps a multiple of N, at least N; an unpruned one keeps its C,
 * whatever C is; a group narrower than N cannot be pruned at all. N = 1 allows every count from 1
 * to C, i.e. no rounding.
 *
 * <p>The rule is rounding <em>down</em>: a count chosen by a search step or an allocation becomes
 * the largest allowed count at or below it, so the FLOPs never exceed those of the count it
 * replaces and a FLOPs target met before rounding is still met after it. Only a minimum (an
 * allocation's floor) is rounded up, so it stays a minimum.
 */
public record ChannelRounding(int multiple) {
  /** N = 1: every count is allowed. */
  public static final ChannelRounding NONE = new ChannelRounding(1);

  /** @throws IllegalArgumentException naming {@code --round_to} unless {@code multiple} is at least 1 */
  public ChannelRounding {
    if (multiple < 1) {
      throw new IllegalArgumentException("--round_to must be at least 1, got " + multiple);
    }
  }

  public boolean isNone() {
    return multiple == 1;
  }

  /** The fewest channels a group of {@code channels} may keep: N, or all of a group narrower than N. */
  public int fewest(int channels) {
    return Math.min(multiple, channels);
  }

  /** The largest allowed count at or below {@code count}, never below {@link #fewest}. */
  public int down(int count, int channels) {
    if (count >= channels) {
      return channels;
    }
    return Math.max(fewest(channels), count - Math.floorMod(count, multiple));
  }

  /** The smallest allowed count at or above {@code count}, never above {@code channels}. */
  public int up(int count, int channels) {
    int roundedUp = Math.max(fewest(channels), Math.floorDiv(count + multiple - 1, multiple) * multiple);
    return Math.min(channels, roundedUp);
  }
}
