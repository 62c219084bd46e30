package dev.ekg.method;

import dev.ekg.criteria.AllocationPolicy;
import dev.ekg.criteria.MagnitudeCriterion;
import dev.ekg.criteria.MagnitudeScorer;
import dev.ekg.criteria.ScoreNormalization;
import dev.ekg.criteria.ScoringContext;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.FloatArray;
import dev.ekg.model.Architecture;
import java.util.Map;

/**
 * Magnitude pruning to a FLOPs target in one shot: score every channel of every group by the
 * criterion, normalise per group, and let the allocation policy decide how many of each group's
 * best channels stay.
 */
public record MagnitudePruning(
    MagnitudeCriterion criterion, ScoreNormalization normalization, AllocationPolicy allocation) {
  public StructuralEdit select(Architecture architecture, Map<String, FloatArray> weights, double targetRate) {
    ChannelGroups groups = architecture.channelGroups();
    float[][] scores = normalization.apply(new MagnitudeScorer(criterion).scores(groups, ScoringContext.ofWeights(weights)));
    return new StructuralEdit(allocation.allocation().keep(groups, scores, targetRate));
  }

  /** E.g. {@code l1 scores, mean normalisation, global allocation}. */
  public String describe() {
    return criterion.cliName() + " scores, " + normalization.cliName() + " normalisation, " + allocation.cliName()
        + " allocation";
  }
}
