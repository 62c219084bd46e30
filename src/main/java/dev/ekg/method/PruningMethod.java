package dev.ekg.method;

import dev.ekg.criteria.CliNames;

/**
 * The {@code --method} choices of {@code train_cifar}: how the search phase decides the structural
 * edit. The prune phase (memory bank, physical pruning, BN re-estimation) and fine-tuning are shared.
 */
public enum PruningMethod {
  /** The EKG sub-network search (reference §6): Taylor scores with ensemble knowledge, greedy steps. */
  EKG,
  /** One-shot weight-magnitude scores and an allocation to the FLOPs target ({@link MagnitudePruning}). */
  MAGNITUDE;

  public static PruningMethod parse(String text) {
    return CliNames.parse(PruningMethod.class, "--method", text);
  }

  public String cliName() {
    return CliNames.of(this);
  }
}
