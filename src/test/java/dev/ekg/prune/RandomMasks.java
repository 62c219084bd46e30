package dev.ekg.prune;

import dev.ekg.graph.ChannelGroups;

/** Random sub-networks for invariants that must hold under any masks. */
final class RandomMasks {
  private RandomMasks() {}

  /** Keeps a random 30–90 % of every group, at least one channel. */
  static float[][] draw(ChannelGroups groups, NumpyLegacyRandom random) {
    float[][] masks = new float[groups.size()][];
    for (ChannelGroups.Group g : groups.groups()) {
      float[] mask = new float[g.channels()];
      double keep = 0.3 + 0.6 * random.randomSample();
      boolean any = false;
      for (int c = 0; c < mask.length; c++) {
        mask[c] = random.randomSample() < keep ? 1f : 0f;
        any |= mask[c] == 1f;
      }
      if (!any) {
        mask[0] = 1f;
      }
      masks[g.index()] = mask;
    }
    return masks;
  }
}
