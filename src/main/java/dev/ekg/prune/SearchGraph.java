package dev.ekg.prune;

import dev.ekg.criteria.ChannelScorer;
import dev.ekg.criteria.ScoringContext;
import dev.ekg.data.ValidationSet;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.BatchTensors;
import dev.ekg.io.TensorArrays;
import dev.ekg.model.Forward;
import dev.ekg.model.Model;
import dev.ekg.model.NetworkGraph;
import dev.ekg.nn.BnMode;
import dev.ekg.runtime.ReplicaRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
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
  private final BatchTensors images;
  private final boolean sharePrefixes;

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
   *     masked one, fed the base sub-network's outputs before it ({@code --search_cache}); false
   *     evaluates every candidate from the images
   */
  public SearchGraph(Model model, int batchSizeFlag, boolean sharePrefixes) {
    if (model.network().gates().isEmpty()) {
      throw new IllegalArgumentException("the search needs a gated model (Model.gated)");
    }
    this.model = model;
    this.sharePrefixes = sharePrefixes;
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
    this.images = new BatchTensors(model.exampleShape());
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
    float[] knowledgeRows = context.knowledge();
    float[][] total = new float[groups.size()][];
    for (int b = 0; b < set.batches(); b++) {
      try (Result r = run(set, knowledgeRows, b, head(set, b).gateScores(), NO_FEEDS)) {
        for (int g = 0; g < total.length; g++) {
          float[] s = TensorArrays.toArray((TFloat32) r.get(g)).data();
          if (total[g] == null) {
            total[g] = s;
          } else {
            for (int c = 0; c < s.length; c++) {
              total[g][c] += s[c];
            }
          }
        }
      }
    }
    return total;
  }

  /**
   * A forward pass over {@code set} under the current masks (reference §6.4(c) step 3): loss and
   * score are means over batches of their per-batch values, accuracy over all images.
   */
  @Override
  public Evaluation evaluate(ValidationSet set, float[] knowledgeRows) {
    return evaluate(set, knowledgeRows, NO_FEEDS);
  }

  /** Tensors fed besides a batch's images, labels and knowledge, given the batch's index and head. */
  @FunctionalInterface
  private interface ExtraFeeds {
    void add(int batch, Head head, Session.Runner runner);
  }

  private static final ExtraFeeds NO_FEEDS = (batch, head, runner) -> {};

  private Evaluation evaluate(ValidationSet set, float[] knowledgeRows, ExtraFeeds feeds) {
    int classes = model.numClasses();
    float[] allLogits = new float[set.size() * classes];
    double loss = 0;
    double score = 0;
    long hits = 0;
    for (int b = 0; b < set.batches(); b++) {
      Head head = head(set, b);
      try (Result r = run(set, knowledgeRows, b,
          List.of(head.crossEntropy(), head.objective(), head.logits(), head.correct()), feeds)) {
        loss += ((TFloat32) r.get(0)).getFloat();
        score += ((TFloat32) r.get(1)).getFloat();
        float[] z = TensorArrays.toArray((TFloat32) r.get(2)).data();
        System.arraycopy(z, 0, allLogits, set.batchStart(b) * classes, z.length);
        hits += ((TInt32) r.get(3)).getInt();
      }
    }
    return new Evaluation(loss / set.batches(), score / set.batches(), (double) hits / set.size(), allLogits);
  }

  /** The replicas' towers for a batch with a row for each of them, one device otherwise (see {@link Model}). */
  private Head head(ValidationSet set, int batch) {
    return ReplicaRows.splits(set.batchLength(batch), model.replicaDevices().size()) ? mirrored : single;
  }

  private Result run(
      ValidationSet set, float[] knowledgeRows, int batch, List<? extends Operand<?>> fetches, ExtraFeeds feeds) {
    int classes = model.numClasses();
    int start = set.batchStart(batch);
    int n = set.batchLength(batch);
    try (TInt32 y = TInt32.vectorOf(Arrays.copyOfRange(set.labels(), start, start + n));
        TFloat32 k = TensorArrays.rows(knowledgeRows, classes, start, n)) {
      Session.Runner runner = model.session().runner()
          .feed(model.images(), images.fill(set.images(), start, n))
          .feed(labels, y)
          .feed(knowledge, k);
      feeds.add(batch, head(set, batch), runner);
      fetches.forEach(runner::fetch);
      return runner.run();
    }
  }

  /**
   * With prefix sharing, the base sub-network's node outputs just before each gate's first masked
   * node ({@link NetworkGraph#firstNodeMaskedBy}) are computed once per step and every candidate
   * runs from there: a candidate differs from the base in one gate, so what precedes that gate's
   * first masked node is the base's, bit for bit.
   */
  @Override
  public Candidates candidates(ValidationSet set, float[] knowledgeRows, float[][] baseMasks, int[] gates) {
    return sharePrefixes
        ? new SharedPrefixes(set, knowledgeRows, baseMasks, gates)
        : CandidateEvaluator.super.candidates(set, knowledgeRows, baseMasks, gates);
  }

  /** The base's outputs of the nodes the candidates' cuts need, per batch, kept as fetched tensors. */
  private final class SharedPrefixes implements Candidates {
    private final ValidationSet set;
    private final float[] knowledgeRows;
    private final Map<Integer, List<Integer>> cuts = new HashMap<>();
    /** Each fetched node's place among a tower's fetches. */
    private final Map<Integer, Integer> fetched = new HashMap<>();
    private final List<Result> base = new ArrayList<>();

    SharedPrefixes(ValidationSet set, float[] knowledgeRows, float[][] baseMasks, int[] gates) {
      this.set = set;
      this.knowledgeRows = knowledgeRows;
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
      try {
        for (int b = 0; b < set.batches(); b++) {
          List<Operand<TFloat32>> outputs = new ArrayList<>();
          for (Forward forward : head(set, b).forwards()) {
            needed.forEach(node -> outputs.add(forward.nodeOutputs().get(node)));
          }
          base.add(run(set, knowledgeRows, b, outputs, NO_FEEDS));
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public Evaluation evaluate(int gate) {
      List<Integer> cut = cuts.get(gate);
      return SearchGraph.this.evaluate(set, knowledgeRows, (batch, head, runner) -> {
        List<Forward> forwards = head.forwards();
        for (int t = 0; t < forwards.size(); t++) {
          for (int node : cut) {
            runner.feed(forwards.get(t).nodeOutputs().get(node),
                base.get(batch).get(t * fetched.size() + fetched.get(node)));
          }
        }
      });
    }

    @Override
    public void close() {
      base.forEach(Result::close);
      base.clear();
    }
  }
}
