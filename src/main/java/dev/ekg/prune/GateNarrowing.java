package dev.ekg.prune;

/**
 * How a search step narrows one gate (reference §6.4(b)–(c)): which gates can be narrowed, at what
 * shortlist cost, and the width of the candidate that narrows one. {@link ReferenceNarrowing} is
 * the reference's width arithmetic; {@link RoundedNarrowing} keeps every kept count a multiple of
 * {@code --round_to}.
 */
interface GateNarrowing {
  /** The shortlist cost of every gate of {@code current}, {@link PruningCost#NOT_PRUNABLE} where it cannot be narrowed. */
  double[] costs(PruningCost cost, float[][] scores, SubNetwork current);

  /**
   * The width of the candidate that narrows {@code gate} of {@code current}, fine-searched at the
   * FLOPs target; asked only of a gate whose cost is below {@link PruningCost#NOT_PRUNABLE}.
   */
  SearchWidth candidate(int gate, SubNetwork current);
}
