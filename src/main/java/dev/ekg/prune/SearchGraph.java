package dev.ekg.prune;

import dev.ekg.criteria.ChannelScorer;
import dev.ekg.criteria.ScoringContext;
import dev.ekg.data.ValidationSet;
import dev.ekg.graph.ChannelGroups;
import dev.ekg.io.BatchTensors;
import dev.ekg.io.TensorArrays;
import dev.ekg.model.Forward;
import dev.ekg.model.Model;
import dev.ekg.nn.BnMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The search's objective on a gated model (reference §6.4(a), (c)), built once into the model's
 * graph: {@code S = [Σ CE(y, z) + Σ H(softmax(K), softmax(z))] / batchSize} with BN on batch
 * statistics and no moving-average update (the reference skips it while gates are attached). It
 * evaluates candidates (loss, S, accuracy, logits) and is the EKG importance scorer: per channel
 * {@code |Σ_{b,h,w} ∂S/∂y ⊙ y|} at every mask point y, summed per gate (§10.8: ordinary autodiff
 * of the masked activation gives the reference's straight-through custom gradient).
 */
public final class SearchGraph implements ChannelScorer, CandidateEvaluator {
  private final Model model;
  private final Placeholder<TInt32> labels;
  private final Placeholder<TFloat32> knowledge;
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> crossEntropy;
  private final Operand<TFloat32> objective;
  private final Operand<TInt32> correct;
  private final List<Operand<TFloat32>> gateScores = new ArrayList<>();
  private final BatchTensors images;

  public SearchGraph(Model model, int batchSizeFlag) {
    if (model.network().gates().isEmpty()) {
      throw new IllegalArgumentException("the search needs a gated model (Model.gated)");
    }
    this.model = model;
    Ops tf = model.ops().withSubScope("search");
    int classes = model.numClasses();
    Forward forward = model.forward(BnMode.TRAIN);
    this.logits = forward.logits();
    this.labels = tf.withName("labels").placeholder(TInt32.class);
    this.knowledge = tf.withName("knowledge").placeholder(TFloat32.class);
    Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> flag = tf.constant((float) batchSizeFlag);
    Operand<TFloat32> ce = sum(tf, tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss());
    Operand<TFloat32> soft = sum(tf, tf.nn.softmaxCrossEntropyWithLogits(logits, tf.nn.softmax(knowledge)).loss());
    this.crossEntropy = tf.math.div(ce, flag);
    this.objective = tf.math.div(tf.math.add(ce, soft), flag);
    this.correct = sum(tf, tf.dtypes.cast(
        tf.math.equal(tf.math.argMax(logits, tf.constant(1), TInt32.class), labels), TInt32.class));

    List<Forward.MaskPoint> points = forward.maskPoints();
    Output<?>[] grads = model.graph().addGradients(
        objective.asOutput(), points.stream().map(p -> p.activation().asOutput()).toArray(Output[]::new));
    List<List<Operand<TFloat32>>> perGate = new ArrayList<>();
    model.network().gates().forEach(g -> perGate.add(new ArrayList<>()));
    for (int i = 0; i < points.size(); i++) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
      Operand<TFloat32> y = points.get(i).activation();
      perGate.get(points.get(i).gate())
          .add(tf.math.abs(tf.reduceSum(tf.math.mul(g, y), tf.constant(new int[] {0, 1, 2}))));
    }
    for (List<Operand<TFloat32>> contributions : perGate) {
      gateScores.add(contributions.size() == 1 ? contributions.get(0) : tf.math.addN(contributions));
    }
    this.images = new BatchTensors(model.exampleShape());
  }

  private static <T extends org.tensorflow.types.family.TNumber> Operand<T> sum(Ops tf, Operand<T> x) {
    return tf.reduceSum(x, tf.constant(0));
  }

  /**
   * Scores of the network under its current masks, summed over the batches of the context's data
   * with its ensemble knowledge (reference §6.4(a)); pruned channels have {@code y = 0} and so score 0.
   */
  @Override
  public float[][] scores(ChannelGroups groups, ScoringContext context) {
    if (groups.size() != gateScores.size()) {
      throw new IllegalArgumentException("expected " + gateScores.size() + " channel groups, got " + groups.size());
    }
    ValidationSet set = context.data();
    float[] knowledgeRows = context.knowledge();
    float[][] total = new float[gateScores.size()][];
    for (int b = 0; b < set.batches(); b++) {
      try (Result r = run(set, knowledgeRows, b, gateScores)) {
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
    int classes = model.numClasses();
    float[] allLogits = new float[set.size() * classes];
    double loss = 0;
    double score = 0;
    long hits = 0;
    for (int b = 0; b < set.batches(); b++) {
      try (Result r = run(set, knowledgeRows, b, List.of(crossEntropy, objective, logits, correct))) {
        loss += ((TFloat32) r.get(0)).getFloat();
        score += ((TFloat32) r.get(1)).getFloat();
        float[] z = TensorArrays.toArray((TFloat32) r.get(2)).data();
        System.arraycopy(z, 0, allLogits, set.batchStart(b) * classes, z.length);
        hits += ((TInt32) r.get(3)).getInt();
      }
    }
    return new Evaluation(loss / set.batches(), score / set.batches(), (double) hits / set.size(), allLogits);
  }

  private Result run(ValidationSet set, float[] knowledgeRows, int batch, List<? extends Operand<?>> fetches) {
    int classes = model.numClasses();
    int start = set.batchStart(batch);
    int n = set.batchLength(batch);
    try (TInt32 y = TInt32.vectorOf(Arrays.copyOfRange(set.labels(), start, start + n));
        TFloat32 k = TensorArrays.rows(knowledgeRows, classes, start, n)) {
      Session.Runner runner = model.session().runner()
          .feed(model.images(), images.fill(set.images(), start, n))
          .feed(labels, y)
          .feed(knowledge, k);
      fetches.forEach(runner::fetch);
      return runner.run();
    }
  }
}
