package dev.ekg.criteria;

import dev.ekg.graph.ChannelRounding;

/** The {@code --allocation} choices: how many channels each group keeps. */
public enum AllocationPolicy {
  /** One ranking of the per-group normalised scores across all groups ({@link GlobalAllocation}). */
  GLOBAL,
  /** The same fraction of every group ({@link UniformAllocation}). */
  UNIFORM;

  public static AllocationPolicy parse(String text) {
    return CliNames.parse(AllocationPolicy.class, "--allocation", text);
  }

  public String cliName() {
    return CliNames.of(this);
  }

  /**
   * The policy with the default per-group floor ({@link Allocation#DEFAULT_MIN_FRACTION}) and the
   * kept counts {@code rounding} allows.
   */
  public Allocation allocation(ChannelRounding rounding) {
    double floor = Allocation.DEFAULT_MIN_FRACTION;
    return this == GLOBAL ? new GlobalAllocation(floor, rounding) : new UniformAllocation(floor, rounding);
  }
}
