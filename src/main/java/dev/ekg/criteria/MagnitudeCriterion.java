package dev.ekg.criteria;

/**
 * The weight-magnitude criteria of {@link MagnitudeScorer}, the classic data-free baselines to
 * compare EKG's Taylor score against. The command line spells them {@code l1}, {@code l2} and
 * {@code bn_scale}.
 */
public enum MagnitudeCriterion {
  /** Σ over the group's producing convs of the L1 norm of the channel's output slice of the kernel. */
  L1,
  /** Σ over the group's producing convs of the L2 norm of the channel's output slice of the kernel. */
  L2,
  /** Σ over the group's batch norms of |γ| of the channel (network slimming's criterion). */
  BN_SCALE;

  /** The command-line spelling, e.g. {@code bn_scale}. */
  public String cliName() {
    return CliNames.of(this);
  }

  /** @throws IllegalArgumentException naming {@code --criterion}, the accepted values and {@code text} */
  public static MagnitudeCriterion parse(String text) {
    return CliNames.parse(MagnitudeCriterion.class, "--criterion", text);
  }
}
