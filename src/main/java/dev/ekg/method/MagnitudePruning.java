package dev.ekg.method;

import dev.ekg.criteria.AllocationPolicy;
import dev.ekg.criteria.MagnitudeCriterion;
import dev.ekg.criteria.MagnitudeScorer;
import dev.ekg.criteria.ScoreNormalization;
import dev.ekg.criteria.ScoringContext;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.io.FloatArray;
import dev.ekg.model.Architecture;
import java.util.Map;

/**
 * Magnitude pruning to a FLOPs target in one shot: score every channel of every group by the
 * criterion, normalise per group, and let the allocation policy decide how many of each group's
 * best channels stay, counts that {@code rounding} ({@code --round_to}) allows.
 */
public record MagnitudePruning(
    MagnitudeCriterion criterion, ScoreNormalization normalization, AllocationPolicy allocation,
    ChannelRounding rounding) {
  public StructuralEdit select(Architecture architecture, Map<String, FloatArray> weights, double targetRate) {
    ChannelGroups groups = architecture.channelGroups();
    float[][] scores = normalization.apply(new MagnitudeScorer(criterion).scores(groups, ScoringContext.ofWeights(weights)));
    return new StructuralEdit(allocation.allocation(rounding).keep(groups, scores, targetRate));
  }

  /** E.g. {@code l1 scores, mean normalisation, global allocation} (+ {@code , kept counts multiples of 8}). */
  public String describe() {
    return criterion.cliName() + " scores, " + normalization.cliName() + " normalisation, " + allocation.cliName()
        + " allocation" + (rounding.isNone() ? "" : ", kept counts multiples of " + rounding.multiple());
  }
}
