package dev.ekg.prune;

/**
 * The reference's narrowing (§6.4(b)–(c)): costs from the gates' rates and {@link GateSteps}, the
 * candidate the decremented width {@code round(width − step, 5)} after the {@link FineSearch}.
 */
final class ReferenceNarrowing implements GateNarrowing {
  private final GateSteps steps;
  private final FineSearch fineSearch;

  ReferenceNarrowing(GateSteps steps, FineSearch fineSearch) {
    this.steps = steps;
    this.fineSearch = fineSearch;
  }

  @Override
  public double[] costs(PruningCost cost, float[][] scores, SubNetwork current) {
    return cost.costs(scores, current.rates(), steps);
  }

  @Override
  public SearchWidth candidate(int gate, SubNetwork current) {
    return fineSearch.candidate(gate, current.widths()[gate].decrement(steps.step(gate)), current.rates(),
        steps.fineStep(gate));
  }
}
