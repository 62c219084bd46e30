package dev.ekg.prune;

/**
 * NumPy's legacy {@code RandomState} (MT19937) as far as the reference uses it:
 * {@code np.random.seed(n)} for a Python int and {@code np.random.shuffle} of a 1-D array,
 * reproduced index for index (reference §2: the search subsets are shuffled with
 * {@code np.random.seed(1); np.random.shuffle}).
 *
 * <ul>
 *   <li>Seeding: for an int in [0, 2³²) NumPy's {@code _legacy_seeding} calls
 *       {@code mt19937_seed}, Matsumoto–Nishimura's {@code init_genrand}; the first output is
 *       generated after a full twist.
 *   <li>Shuffle: Fisher–Yates from the end, {@code for i = n−1 … 1: swap(i, random_interval(i))},
 *       whether the array is a list or an ndarray of any integer type.
 *   <li>{@code random_interval(max)}: draw 32-bit outputs, keep the bits under the smallest
 *       all-ones mask ≥ max, and reject values above max (no modulo, no multiply-shift, unlike
 *       {@code Generator.shuffle}). Each rejected draw consumes an output.
 * </ul>
 */
public final class NumpyLegacyRandom {
  private static final int N = 624;
  private static final int M = 397;
  private final int[] state = new int[N];
  private int position;

  /**
   * A generator in the state {@code np.random.seed(seed)} leaves.
   *
   * @throws IllegalArgumentException outside [0, 2³²), where NumPy raises ValueError
   */
  public NumpyLegacyRandom(long seed) {
    if (seed < 0 || seed > 0xffffffffL) {
      throw new IllegalArgumentException("seed must be between 0 and 2**32 - 1, got " + seed);
    }
    long s = seed;
    for (int i = 0; i < N; i++) {
      state[i] = (int) s;
      s = (1812433253L * (s ^ (s >>> 30)) + i + 1) & 0xffffffffL;
    }
    position = N;
  }

  /** The next raw 32-bit output, unsigned ({@code genrand_int32}). */
  long nextUint32() {
    if (position >= N) {
      twist();
    }
    int y = state[position++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xffffffffL;
  }

  private void twist() {
    for (int i = 0; i < N; i++) {
      int y = (state[i] & 0x80000000) | (state[(i + 1) % N] & 0x7fffffff);
      int next = state[(i + M) % N] ^ (y >>> 1);
      state[i] = (y & 1) == 0 ? next : next ^ 0x9908b0df;
    }
    position = 0;
  }

  /** {@code random_sample()}: a double in [0, 1) from 53 random bits of two outputs ({@code genrand_res53}). */
  public double randomSample() {
    long a = nextUint32() >>> 5;
    long b = nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** NumPy's {@code random_interval(max)} for {@code max < 2³²}: uniform in [0, max]. */
  int interval(int max) {
    if (max == 0) {
      return 0;
    }
    long mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    long value;
    do {
      value = nextUint32() & mask;
    } while (value > max);
    return (int) value;
  }

  /** {@code np.random.shuffle(values)} in place. */
  public void shuffle(int[] values) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = interval(i);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }
}
