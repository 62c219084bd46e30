package dev.ekg.prune;

import dev.ekg.criteria.ChannelScorer;
import dev.ekg.criteria.ScoringContext;
import dev.ekg.data.ValidationSet;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.TensorArrays;
import dev.ekg.model.Forward;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkGraph;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.Gate;
import dev.ekg.runtime.InOrderRuns;
import dev.ekg.runtime.ReplicaRows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.PlacedGradients;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * The search's objective on a gated model (reference §6.4(a), (c)), built once into the model's
 * graph: {@code S = [Σ CE(y, z) + Σ H(softmax(K), softmax(z))] / batchSize} with BN on batch
 * statistics and no moving-average update (the reference skips it while gates are attached). It
 * evaluates candidates (loss, S, accuracy, logits) and is the EKG importance scorer: per channel
 * {@code |Σ_{b,h,w} ∂S/∂y ⊙ y|} at every mask point y, summed per gate (§10.8: ordinary autodiff
 * of the masked activation gives the reference's straight-through custom gradient).
 *
 * <p>With several replica devices each takes its rows of every batch ({@link ReplicaRows}) with its
 * own batch statistics; losses, hits and logits are combined, and a channel's score takes the sum of
 * the replicas' signed terms before the absolute value, as one device would compute it (the
 * reference adds per-replica scores without an aggregation, §10.5).
 */
public final class SearchGraph implements ChannelScorer, CandidateEvaluator {
  private final Model model;
  private final Placeholder<TInt32> labels;
  private final Placeholder<TFloat32> knowledge;
  private final Head single;
  private final Head mirrored;
  private final boolean sharePrefixes;
  /** Batches of a pass at a time, and candidates at a time: one without {@code --search_cache}, as the reference. */
  private final int inFlight;

  /**
   * What the search fetches, computed on one device or combined from the replicas' towers, and the
   * towers' forward passes.
   */
  private record Head(Operand<TFloat32> crossEntropy, Operand<TFloat32> objective, Operand<TInt32> correct,
      Operand<TFloat32> logits, List<Operand<TFloat32>> gateScores, List<Forward> forwards) {}

  /** A search graph whose candidates share the base sub-network's prefixes ({@link #candidates}). */
  public SearchGraph(Model model, int batchSizeFlag) {
    this(model, batchSizeFlag, true);
  }

  /**
   * @param sharePrefixes whether each step's candidates run only the layers after their gate's first
   *     masked one, fed the base sub-network's outputs before it, {@link InOrderRuns#IN_FLIGHT}
   *     passes at a time ({@code --search_cache}); false evaluates every candidate from the images,
   *     one pass after the other
   */
  public SearchGraph(Model model, int batchSizeFlag, boolean sharePrefixes) {
    if (model.network().gates().isEmpty()) {
      throw new IllegalArgumentException("the search needs a gated model (Model.gated)");
    }
    this.model = model;
    this.sharePrefixes = sharePrefixes;
    this.inFlight = sharePrefixes ? InOrderRuns.IN_FLIGHT : 1;
    Ops tf = model.ops().withSubScope("search");
    this.labels = tf.withName("labels").placeholder(TInt32.class);
    this.knowledge = tf.withName("knowledge").placeholder(TFloat32.class);
    Operand<TFloat32> flag = tf.constant((float) batchSizeFlag);
    this.single = head(tf, List.of(tower(tf, null, model.forward(BnMode.TRAIN), labels, knowledge, flag)), flag);
    List<DeviceSpec> devices = model.replicaDevices();
    if (devices.size() == 1) {
      this.mirrored = null;
    } else {
      List<Tower> towers = new ArrayList<>();
      for (int r = 0; r < devices.size(); r++) {
        Ops replica = tf.withSubScope("replica" + r).withDevice(devices.get(r));
        Operand<TFloat32> rows = ReplicaRows.of(replica, model.images(), r, devices.size());
        towers.add(tower(replica, "search/replica" + r + "/gradients", model.forward(replica, rows, BnMode.TRAIN),
            ReplicaRows.of(replica, labels, r, devices.size()), ReplicaRows.of(replica, knowledge, r, devices.size()),
            flag));
      }
      this.mirrored = head(tf, towers, flag);
    }
  }

  private Head head(Ops tf, List<Tower> towers, Operand<TFloat32> flag) {
    Tower first = towers.get(0);
    // per mask point |Σ over the whole batch|: the replicas' signed sums are added before the absolute value
    List<List<Operand<TFloat32>>> perGate = new ArrayList<>();
    model.network().gates().forEach(g -> perGate.add(new ArrayList<>()));
    for (int i = 0; i < first.pointSums().size(); i++) {
      int point = i;
      perGate.get(first.pointGates().get(i)).add(tf.math.abs(sum(tf, towers, t -> t.pointSums().get(point))));
    }
    List<Operand<TFloat32>> gateScores = new ArrayList<>();
    for (List<Operand<TFloat32>> contributions : perGate) {
      gateScores.add(contributions.size() == 1 ? contributions.get(0) : tf.math.addN(contributions));
    }
    Operand<TFloat32> logits = towers.size() == 1
        ? first.logits()
        : tf.concat(towers.stream().map(Tower::logits).toList(), tf.constant(0));
    return new Head(tf.math.div(sum(tf, towers, Tower::crossEntropySum), flag), sum(tf, towers, Tower::objective),
        sum(tf, towers, Tower::correct), logits, gateScores, towers.stream().map(Tower::forward).toList());
  }

  private static <T extends TNumber> Operand<T> sum(Ops tf, List<Tower> towers, Function<Tower, Operand<T>> part) {
    List<Operand<T>> parts = towers.stream().map(part).toList();
    return parts.size() == 1 ? parts.get(0) : tf.math.addN(parts);
  }

  /**
   * One replica's share of the objective on its rows: the sums of its CE and soft-target terms, its
   * objective (divided by the whole batch's {@code --batch_size}), hits, logits, and per mask point
   * the signed sum {@code Σ_{b,h,w} ∂S/∂y ⊙ y}.
   */
  private record Tower(Operand<TFloat32> crossEntropySum, Operand<TFloat32> objective, Operand<TInt32> correct,
      Operand<TFloat32> logits, List<Operand<TFloat32>> pointSums, List<Integer> pointGates, Forward forward) {}

  /** @param gradientPrefix the name scope of the gradient ops; null for the graph's default */
  private Tower tower(Ops tf, String gradientPrefix, Forward forward, Operand<TInt32> rowLabels,
      Operand<TFloat32> rowKnowledge, Operand<TFloat32> flag) {
    int classes = model.numClasses();
    Operand<TFloat32> z = forward.logits();
    Operand<TFloat32> oneHot = tf.oneHot(rowLabels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> ce = sum(tf, tf.nn.softmaxCrossEntropyWithLogits(z, oneHot).loss());
    Operand<TFloat32> soft = sum(tf, tf.nn.softmaxCrossEntropyWithLogits(z, tf.nn.softmax(rowKnowledge)).loss());
    Operand<TFloat32> towerObjective = tf.math.div(tf.math.add(ce, soft), flag);
    Operand<TInt32> hits = sum(tf, tf.dtypes.cast(
        tf.math.equal(tf.math.argMax(z, tf.constant(1), TInt32.class), rowLabels), TInt32.class));

    List<Forward.MaskPoint> points = forward.maskPoints();
    Output<?>[] grads = PlacedGradients.add(model.graph(), gradientPrefix, tf.scope().getDeviceString(),
        towerObjective.asOutput(), points.stream().map(p -> p.activation().asOutput()).toArray(Output[]::new));
    List<Operand<TFloat32>> pointSums = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
      pointSums.add(tf.reduceSum(tf.math.mul(g, points.get(i).activation()), tf.constant(new int[] {0, 1, 2})));
    }
    return new Tower(ce, towerObjective, hits, z, pointSums, points.stream().map(Forward.MaskPoint::gate).toList(),
        forward);
  }

  private static <T extends TNumber> Operand<T> sum(Ops tf, Operand<T> x) {
    return tf.reduceSum(x, tf.constant(0));
  }

  /**
   * Scores of the network under its current masks, summed over the batches of the context's data
   * with its ensemble knowledge (reference §6.4(a)); pruned channels have {@code y = 0} and so score 0.
   */
  @Override
  public float[][] scores(ChannelGroups groups, ScoringContext context) {
    if (groups.size() != single.gateScores().size()) {
      throw new IllegalArgumentException(
          "expected " + single.gateScores().size() + " channel groups, got " + groups.size());
    }
    ValidationSet set = context.data();
    List<float[][]> perBatch;
    try (BatchInputs inputs = inputs(set, context.knowledge())) {
      perBatch = perBatch(set, inFlight, "search-scores", b -> {
        try (Result r = run(set, inputs, b, head(set, b).gateScores(), NO_FEEDS)) {
          float[][] scores = new float[groups.size()][];
          for (int g = 0; g < scores.length; g++) {
            scores[g] = TensorArrays.toArray((TFloat32) r.get(g)).data();
          }
          return scores;
        }
      });
    }
    float[][] total = perBatch.get(0);
    for (float[][] batch : perBatch.subList(1, perBatch.size())) {
      for (int g = 0; g < total.length; g++) {
        for (int c = 0; c < total[g].length; c++) {
          total[g][c] += batch[g][c];
        }
      }
    }
    return total;
  }

  /** {@code run} of every batch of {@code set}, {@code batchesInFlight} at a time, in the batches' order. */
  private static <T> List<T> perBatch(ValidationSet set, int batchesInFlight, String threadName, IntFunction<T> run) {
    List<Callable<T>> calls = new ArrayList<>();
    for (int b = 0; b < set.batches(); b++) {
      int batch = b;
      calls.add(() -> run.apply(batch));
    }
    return InOrderRuns.all(calls, batchesInFlight, threadName);
  }

  /**
   * A forward pass over {@code set} under the current masks (reference §6.4(c) step 3): loss and
   * score are means over batches of their per-batch values, accuracy over all images.
   */
  @Override
  public Evaluation evaluate(ValidationSet set, float[] knowledgeRows) {
    try (BatchInputs inputs = inputs(set, knowledgeRows)) {
      return evaluate(set, inputs, NO_FEEDS, inFlight);
    }
  }

  private BatchInputs inputs(ValidationSet set, float[] knowledgeRows) {
    return new BatchInputs(set, knowledgeRows, model.numClasses(), model.exampleShape());
  }

  /** Tensors fed besides a batch's inputs, given the batch's index and head. */
  @FunctionalInterface
  private interface ExtraFeeds {
    void add(int batch, Head head, Session.Runner runner);
  }

  private static final ExtraFeeds NO_FEEDS = (batch, head, runner) -> {};

  /** One batch's share of an {@link Evaluation}. */
  private record BatchEvaluation(float crossEntropy, float objective, float[] logits, int hits) {}

  private Evaluation evaluate(ValidationSet set, BatchInputs inputs, ExtraFeeds feeds, int batchesInFlight) {
    List<BatchEvaluation> perBatch = perBatch(set, batchesInFlight, "search-evaluation", b -> {
      Head head = head(set, b);
      try (Result r = run(set, inputs, b,
          List.of(head.crossEntropy(), head.objective(), head.logits(), head.correct()), feeds)) {
        return new BatchEvaluation(((TFloat32) r.get(0)).getFloat(), ((TFloat32) r.get(1)).getFloat(),
            TensorArrays.toArray((TFloat32) r.get(2)).data(), ((TInt32) r.get(3)).getInt());
      }
    });
    int classes = model.numClasses();
    float[] allLogits = new float[set.size() * classes];
    double loss = 0;
    double score = 0;
    long hits = 0;
    for (int b = 0; b < perBatch.size(); b++) {
      BatchEvaluation e = perBatch.get(b);
      loss += e.crossEntropy();
      score += e.objective();
      System.arraycopy(e.logits(), 0, allLogits, set.batchStart(b) * classes, e.logits().length);
      hits += e.hits();
    }
    return new Evaluation(loss / set.batches(), score / set.batches(), (double) hits / set.size(), allLogits);
  }

  /** The replicas' towers for a batch with a row for each of them, one device otherwise (see {@link Model}). */
  private Head head(ValidationSet set, int batch) {
    return ReplicaRows.splits(set.batchLength(batch), model.replicaDevices().size()) ? mirrored : single;
  }

  private Result run(
      ValidationSet set, BatchInputs inputs, int batch, List<? extends Operand<?>> fetches, ExtraFeeds feeds) {
    BatchInputs.Batch in = inputs.batch(batch);
    Session.Runner runner = model.session().runner()
        .feed(model.images(), in.images())
        .feed(labels, in.labels())
        .feed(knowledge, in.knowledge());
    feeds.add(batch, head(set, batch), runner);
    fetches.forEach(runner::fetch);
    return runner.run();
  }

  /**
   * With prefix sharing, the base sub-network's node outputs just before each gate's first masked
   * node ({@link NetworkGraph#firstNodeMaskedBy}) are computed once per step and every candidate
   * runs from there: a candidate differs from the base in one gate, so what precedes that gate's
   * first masked node is the base's, bit for bit. Without, each candidate is a whole pass over the
   * set, one after the other, as the reference evaluates them.
   */
  @Override
  public Candidates candidates(ValidationSet set, float[] knowledgeRows, float[][] baseMasks, int[] gates) {
    return sharePrefixes ? new SharedPrefixes(set, knowledgeRows, baseMasks, gates) : new Candidates() {
      @Override
      public List<Evaluation> evaluate(float[][][] masks) {
        List<Evaluation> evaluations = new ArrayList<>();
        for (float[][] candidate : masks) {
          model.setMasks(candidate);
          evaluations.add(SearchGraph.this.evaluate(set, knowledgeRows));
        }
        return evaluations;
      }

      @Override
      public void close() {}
    };
  }

  /**
   * The base's outputs of the nodes the candidates' cuts need, per batch, kept as fetched tensors,
   * and the step's inputs. Candidates feed their masks instead of setting the gates' variables, so
   * {@link InOrderRuns#IN_FLIGHT} run at a time (each its batches one after the other).
   */
  private final class SharedPrefixes implements Candidates {
    private final ValidationSet set;
    private final BatchInputs inputs;
    private final Map<Integer, List<Integer>> cuts = new HashMap<>();
    /** Each fetched node's place among a tower's fetches. */
    private final Map<Integer, Integer> fetched = new HashMap<>();
    private final List<Result> base = new ArrayList<>();
    private final int[] gates;

    SharedPrefixes(ValidationSet set, float[] knowledgeRows, float[][] baseMasks, int[] gates) {
      this.set = set;
      this.gates = gates.clone();
      this.inputs = inputs(set, knowledgeRows);
      try {
        NetworkGraph network = model.network();
        TreeSet<Integer> needed = new TreeSet<>();
        for (int gate : gates) {
          // the input nodes are left out: they only pass on the images, which every run feeds
          List<Integer> cut = network.layerGraph().readAcross(network.firstNodeMaskedBy(gate)).stream()
              .filter(node -> network.layerGraph().node(node).inputs().length > 0).toList();
          cuts.put(gate, cut);
          needed.addAll(cut);
        }
        needed.forEach(node -> fetched.put(node, fetched.size()));
        model.setMasks(baseMasks);
        for (int b = 0; b < set.batches(); b++) {
          List<Operand<TFloat32>> outputs = new ArrayList<>();
          for (Forward forward : head(set, b).forwards()) {
            needed.forEach(node -> outputs.add(forward.nodeOutputs().get(node)));
          }
          base.add(run(set, inputs, b, outputs, NO_FEEDS));
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public List<Evaluation> evaluate(float[][][] masks) {
      if (masks.length != gates.length) {
        throw new IllegalArgumentException("expected " + gates.length + " candidates, got " + masks.length);
      }
      List<Callable<Evaluation>> candidates = new ArrayList<>();
      for (int k = 0; k < masks.length; k++) {
        int gate = gates[k];
        float[][] candidateMasks = masks[k];
        candidates.add(() -> evaluate(gate, candidateMasks));
      }
      return InOrderRuns.all(candidates, inFlight, "search-candidate");
    }

    private Evaluation evaluate(int gate, float[][] masks) {
      List<Integer> cut = cuts.get(gate);
      List<Gate> gateList = model.network().gates();
      List<TFloat32> maskTensors = new ArrayList<>();
      try {
        for (float[] mask : masks) {
          maskTensors.add(TFloat32.vectorOf(mask));
        }
        return SearchGraph.this.evaluate(set, inputs, (batch, head, runner) -> {
          for (int g = 0; g < gateList.size(); g++) {
            runner.feed(gateList.get(g).mask(), maskTensors.get(g));
          }
          List<Forward> forwards = head.forwards();
          for (int t = 0; t < forwards.size(); t++) {
            for (int node : cut) {
              runner.feed(forwards.get(t).nodeOutputs().get(node),
                  base.get(batch).get(t * fetched.size() + fetched.get(node)));
            }
          }
        }, 1);
      } finally {
        maskTensors.forEach(TFloat32::close);
      }
    }

    @Override
    public void close() {
      base.forEach(Result::close);
      base.clear();
      inputs.close();
    }
  }
}
