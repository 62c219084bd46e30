package dev.ekg.prune;

import dev.ekg.criteria.ChannelScorer;
import dev.ekg.criteria.ScoringContext;
import dev.ekg.data.ValidationSet;
import dev.ekg.graph.ChannelRounding;
import dev.ekg.model.GatePlan;
import dev.ekg.model.Model;
import dev.ekg.nn.ChannelMasks;
import dev.ekg.nn.NonFiniteException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The EKG sub-network search of reference §6.3–§6.5. No weight changes: each step scores the
 * channels of the current sub-network with the ensemble knowledge, shortlists the gates whose next
 * cut is cheap (trimmed Otsu), evaluates one candidate per shortlisted gate by changing masks only,
 * keeps the candidate with the lowest CE + soft-CE-to-the-ensemble, and folds its logits into the
 * ensemble knowledge; it stops when FLOPs/original ≤ the target.
 */
public final class EkgSearch {
  /**
   * Search constants: target FLOPs fraction to keep, the width decrement (reference §1.1), which
   * reading of the pruning cost ranks the gates (see {@link PruningCost}), and the kept counts a
   * gate may have ({@code --round_to}: {@link ChannelRounding#NONE} is the reference's search,
   * anything else {@link RoundedNarrowing}).
   */
  public record Settings(double targetRate, double searchStep, PruningCost cost, ChannelRounding rounding) {
    public Settings(double targetRate, double searchStep) {
      this(targetRate, searchStep, PruningCost.SPEC_SLICE);
    }

    public Settings(double targetRate, double searchStep, PruningCost cost) {
      this(targetRate, searchStep, cost, ChannelRounding.NONE);
    }

    public Settings {
      if (!(targetRate > 0 && targetRate < 1)) {
        throw new IllegalArgumentException("--search_target_rate must be in (0, 1) (1 keeps every FLOP: nothing to "
            + "prune), got " + targetRate);
      }
      if (!(searchStep > 0 && searchStep < 1)) {
        throw new IllegalArgumentException("--search_step must be in (0, 1), got " + searchStep);
      }
    }
  }

  /**
   * One accepted step, for logs (1-based {@code step}); {@code scores} holds each evaluated
   * candidate's score (CE + soft CE to the ensemble, §6.4(c)), in the order of {@code evaluated}.
   */
  public record Step(
      int step, int gate, double flopsRate, double valLoss, double valAccuracy, double[] widths,
      int[] evaluated, double[] scores, double threshold) {}

  /** Receives every accepted step as it happens, with the state a resumed search would start from. */
  @FunctionalInterface
  public interface Listener {
    void accepted(Step step, State state);
  }

  /**
   * Everything the search carries from step to step: the history (original first), the current
   * sub-network, the ensemble knowledge (running mean of {@code members} networks' logits on the
   * validation set) and the original network's metrics.
   */
  public record State(
      List<SubNetwork> history, SubNetwork current, float[] knowledge, int members, int step, double originalLoss,
      double originalAccuracy) {}

  /** The history (original network first, final sub-network last) and the original's metrics. */
  public record Result(List<SubNetwork> history, double originalLoss, double originalAccuracy) {
    public SubNetwork last() {
      return history.get(history.size() - 1);
    }
  }

  private final Model model;
  private final ChannelScorer scorer;
  private final CandidateEvaluator evaluator;
  private final GatePlan plan;
  private final ValidationSet val;
  private final Settings settings;
  private final FineSearch fineSearch;
  private final GateNarrowing narrowing;

  /**
   * @param model the gated model whose masks select each candidate
   * @param scorer the importance of the current sub-network's channels (EKG: {@link SearchGraph})
   * @param evaluator loss and score of a candidate (EKG: {@link SearchGraph})
   */
  public EkgSearch(
      Model model, ChannelScorer scorer, CandidateEvaluator evaluator, ValidationSet val, Settings settings) {
    this.model = model;
    this.scorer = scorer;
    this.evaluator = evaluator;
    this.plan = GatePlan.of(model.architecture());
    this.val = val;
    this.settings = settings;
    GateSteps steps = GateSteps.of(plan, settings.searchStep());
    this.fineSearch = FineSearch.of(plan, settings.searchStep(), settings.targetRate());
    this.narrowing = settings.rounding().isNone()
        ? new ReferenceNarrowing(steps, fineSearch)
        : new RoundedNarrowing(plan, steps, fineSearch, settings.targetRate(), settings.rounding());
  }

  /**
   * Fails when the search cannot reach the target even with every gate at its fewest channels (one,
   * or with {@code --round_to N} N or all of a narrower group).
   *
   * @throws IllegalArgumentException naming {@code --search_target_rate}, with the best rate there
   */
  public static void requireReachable(GatePlan plan, Settings settings) {
    int[] fewest = plan.gates().stream().mapToInt(g -> settings.rounding().fewest(g.channels())).toArray();
    double reachable = (double) plan.complexity(fewest).flops() / plan.fullComplexity().flops();
    if (reachable > settings.targetRate()) {
      String floor = settings.rounding().isNone() ? "one channel"
          : "its fewest channels (" + settings.rounding().multiple() + ", or all of a narrower group)";
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "--search_target_rate %s is out of reach%s: every gate at %s keeps %.4f of the FLOPs", settings.targetRate(),
          settings.rounding().isNone() ? "" : " with --round_to " + settings.rounding().multiple(), floor, reachable));
    }
  }

  /** The Otsu threshold over the prunable gates' costs, NaN where every such gate was taken. */
  private static double threshold(double[] costs) {
    double[] active = Arrays.stream(costs).filter(c -> c < PruningCost.NOT_PRUNABLE).toArray();
    float[] values = new float[active.length];
    for (int i = 0; i < active.length; i++) {
      values[i] = (float) active[i];
    }
    return TrimmedOtsu.threshold(values).orElse(Double.NaN);
  }

  /** Evaluates the original network: its logits are the first ensemble member T0 (§6.3). */
  public State start() {
    int gates = plan.size();
    SearchWidth[] widths = new SearchWidth[gates];
    Arrays.fill(widths, SearchWidth.FULL);
    int[][] orders = new int[gates][];
    for (int g = 0; g < gates; g++) {
      orders[g] = IntStream.range(0, plan.gates().get(g).channels()).toArray();
    }
    SubNetwork original = new SubNetwork(widths, orders, 0);
    model.setMasks(original.masks());
    CandidateEvaluator.Evaluation e = evaluator.evaluate(val, new float[val.size() * model.numClasses()]);
    NonFiniteException.requireFinite(e.logits(), "search: the logits of the unpruned network");
    NonFiniteException.requireFinite(e.loss(), "search: the validation loss of the unpruned network");
    return new State(List.of(), original, e.logits(), 1, 0, e.loss(), e.accuracy());
  }

  /** The FLOPs of {@code state}'s current sub-network over the original's. */
  public double flopsRate(State state) {
    return fineSearch.flopsRatio(state.current().rates());
  }

  public Result run(Listener listener) {
    return run(listener, start(), Integer.MAX_VALUE);
  }

  /**
   * Continues from {@code state} (from {@link #start}, or saved by a listener of an interrupted
   * search) until the target, or for at most {@code maxSteps} more steps.
   */
  public Result run(Listener listener, State state, int maxSteps) {
    int gates = plan.size();
    int limit = maxSteps == Integer.MAX_VALUE ? Integer.MAX_VALUE : state.step() + maxSteps;
    SubNetwork current = state.current();
    double flopsRate = flopsRate(state);
    while (flopsRate > settings.targetRate() && state.step() < limit) {
      float[] knowledge = state.knowledge();
      model.setMasks(current.masks());
      float[][] scores = scorer.scores(plan.channelGroups(), ScoringContext.ofData(val, knowledge));
      int[][] newOrders = new int[gates][];
      for (int g = 0; g < gates; g++) {
        NonFiniteException.requireFinite(scores[g], "search step " + (state.step() + 1) + ": the importance of gate " + g);
        newOrders[g] = ChannelMasks.order(scores[g]);
      }
      double[] costs = narrowing.costs(settings.cost(), scores, current);
      boolean[] doCheck = TrimmedOtsu.shortlist(costs);
      int[] evaluated = IntStream.range(0, gates).filter(g -> doCheck[g]).toArray();
      SearchWidth[][] candidateWidths = new SearchWidth[evaluated.length][];
      float[][][] candidateMasks = new float[evaluated.length][][];
      for (int k = 0; k < evaluated.length; k++) {
        candidateWidths[k] = current.widths().clone();
        candidateWidths[k][evaluated[k]] = narrowing.candidate(evaluated[k], current);
        candidateMasks[k] = new SubNetwork(candidateWidths[k], newOrders, 0).masks();
      }
      float[][] baseMasks = new SubNetwork(current.widths(), newOrders, 0).masks();
      List<CandidateEvaluator.Evaluation> evaluations;
      try (CandidateEvaluator.Candidates candidates = evaluator.candidates(val, knowledge, baseMasks, evaluated)) {
        evaluations = candidates.evaluate(candidateMasks);
      }
      int best = -1;
      double bestScore = Double.POSITIVE_INFINITY;
      SearchWidth[] bestWidths = null;
      CandidateEvaluator.Evaluation bestEvaluation = null;
      double[] candidateScores = new double[evaluated.length];
      for (int k = 0; k < evaluated.length; k++) {
        CandidateEvaluator.Evaluation e = evaluations.get(k);
        NonFiniteException.requireFinite(e.score(), "search step " + (state.step() + 1)
            + ": the score (CE + soft CE) of the candidate that prunes gate " + evaluated[k]);
        candidateScores[k] = e.score();
        if (e.score() < bestScore) {
          best = evaluated[k];
          bestScore = e.score();
          bestWidths = candidateWidths[k];
          bestEvaluation = e;
        }
      }
      if (best < 0) {
        throw new IllegalStateException("FLOPs ratio " + flopsRate + " is above the target " + settings.targetRate()
            + " but no gate can be pruned further");
      }
      List<SubNetwork> history = new ArrayList<>(state.history());
      if (history.isEmpty()) {
        SearchWidth[] full = new SearchWidth[gates];
        Arrays.fill(full, SearchWidth.FULL);
        history.add(new SubNetwork(full, newOrders, state.originalLoss()));
      }
      current = new SubNetwork(bestWidths, newOrders, bestEvaluation.loss());
      history.add(current);
      flopsRate = fineSearch.flopsRatio(current.rates());
      float[] logits = bestEvaluation.logits();
      float[] ensemble = new float[knowledge.length];
      int members = state.members();
      for (int i = 0; i < knowledge.length; i++) {
        ensemble[i] = (knowledge[i] * members + logits[i]) / (members + 1);
      }
      state = new State(List.copyOf(history), current, ensemble, members + 1, state.step() + 1, state.originalLoss(),
          state.originalAccuracy());
      listener.accepted(new Step(state.step(), best, flopsRate, bestEvaluation.loss(), bestEvaluation.accuracy(),
          Arrays.stream(bestWidths).mapToDouble(SearchWidth::value).toArray(), evaluated, candidateScores,
          threshold(costs)), state);
    }
    return new Result(state.history(), state.originalLoss(), state.originalAccuracy());
  }
}
