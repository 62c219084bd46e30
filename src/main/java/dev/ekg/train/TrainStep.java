package dev.ekg.train;

import dev.ekg.io.BatchTensors;
import dev.ekg.io.CheckpointOps;
import dev.ekg.io.FloatArray;
import dev.ekg.io.TensorArrays;
import dev.ekg.model.Forward;
import dev.ekg.model.TrainableModel;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.Initializer;
import dev.ekg.nn.ModelVariable;
import dev.ekg.nn.VariableKind;
import dev.ekg.nn.VariableStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * One optimisation step of a model, built once into the model's graph (reference §5.1, §5.3): loss
 * {@code Σ CE / batchSizeFlag}, gradients by {@code Graph.addGradients}, coupled L2 weight decay on
 * every trainable variable divided by the replica count, Keras Nesterov momentum with the learning
 * rate fed per step, BN moving averages updated with every chunk. With {@code accum > 1} the batch
 * runs as equal chunks whose gradients are summed; weight decay is added once and one update made.
 */
public final class TrainStep {
  /**
   * @param batchSizeFlag the loss divisor: the {@code --batch_size} flag, as the reference divides
   *     by the flag and not by the actual batch
   * @param replicas devices the batch is split over; weight decay is divided by it (§5.3)
   */
  public record Config(float weightDecay, int batchSizeFlag, int accum, int replicas, int teachers) {
    /** Plain cross-entropy (§5.1), no memory bank. */
    public Config(float weightDecay, int batchSizeFlag, int accum, int replicas) {
      this(weightDecay, batchSizeFlag, accum, replicas, 0);
    }

    /** This config with {@code count} memory-bank teachers (0: plain cross-entropy). */
    public Config withTeachers(int count) {
      return new Config(weightDecay, batchSizeFlag, accum, replicas, count);
    }

    /** Images per example: two augmented views with the memory bank (§5.2), else one. */
    public int views() {
      return teachers > 0 ? MemoryBankDistillation.VIEWS : 1;
    }

    public Config {
      if (teachers < 0) {
        throw new IllegalArgumentException("--num_teacher must not be negative, got " + teachers);
      }
      if (accum < 1) {
        throw new IllegalArgumentException("--accum must be at least 1, got " + accum);
      }
      if (batchSizeFlag < 1) {
        throw new IllegalArgumentException("--batch_size must be at least 1, got " + batchSizeFlag);
      }
      if (batchSizeFlag % accum != 0) {
        throw new IllegalArgumentException("--batch_size " + batchSizeFlag + " does not split into --accum " + accum
            + " equal chunks: expected a multiple of " + accum);
      }
      if (weightDecay < 0) {
        throw new IllegalArgumentException("--weight_decay must not be negative, got " + weightDecay);
      }
    }
  }

  /**
   * What one step measured: the loss summed over chunks (with two views the un-halved total, as the
   * reference records it) and the top-1 hits over every view of the batch.
   */
  public record Outcome(float loss, int correct) {}

  private final TrainableModel model;
  private final Config config;
  private final Placeholder<TInt32> labels;
  private final Placeholder<TFloat32> knowledge;
  private final Placeholder<TFloat32> learningRate;
  private final Operand<TFloat32> loss;
  private final Operand<TInt32> correct;
  private final List<Op> accumulate = new ArrayList<>();
  private final List<Op> update = new ArrayList<>();
  private final List<Op> bnUpdates;
  private final List<ModelVariable> slots;
  private final List<ModelVariable> trainable;
  private final List<Operand<TFloat32>> lossGradients = new ArrayList<>();
  private final CheckpointOps checkpoint;
  private final BatchTensors images;

  public TrainStep(TrainableModel model, Config config) {
    this.model = model;
    this.config = config;
    Ops tf = model.ops().withSubScope("train");
    VariableStore store = model.variables();
    this.trainable = store.of(VariableKind.TRAINABLE);
    Forward forward = model.forward(BnMode.TRAIN);
    this.bnUpdates = forward.bnUpdates();
    int classes = model.numClasses();

    this.labels = tf.withName("labels").placeholder(TInt32.class);
    this.learningRate = tf.withName("learning_rate").placeholder(TFloat32.class);
    Operand<TInt32> rowLabels = config.views() == 1 ? labels : MemoryBankDistillation.perView(tf, labels);
    Operand<TFloat32> oneHot = tf.oneHot(rowLabels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
    if (config.teachers() > 0) {
      this.knowledge = tf.withName("knowledge").placeholder(TFloat32.class);
      Operand<TFloat32> bank = tf.reshape(knowledge, tf.constant(new int[] {-1, classes, config.teachers()}));
      this.loss = tf.withName("loss").identity(MemoryBankDistillation.loss(
          tf, forward.logits(), oneHot, bank, classes, config.batchSizeFlag()));
    } else {
      this.knowledge = null;
      Operand<TFloat32> ce = tf.nn.softmaxCrossEntropyWithLogits(forward.logits(), oneHot).loss();
      this.loss =
          tf.withName("loss").math.div(tf.reduceSum(ce, tf.constant(0)), tf.constant((float) config.batchSizeFlag()));
    }
    this.correct =
        tf.reduceSum(
            tf.dtypes.cast(tf.math.equal(tf.math.argMax(forward.logits(), tf.constant(1), TInt32.class), rowLabels),
                TInt32.class),
            tf.constant(0));

    // with two views the gradients are halved, averaging the views; weight decay is not (§5.2)
    Operand<TFloat32> objective =
        config.views() == 1 ? loss : tf.math.mul(loss, tf.constant(1f / config.views()));
    Output<?>[] grads =
        model.graph().addGradients(
            objective.asOutput(), trainable.stream().map(v -> v.value().asOutput()).toArray(Output[]::new));
    List<Operand<TFloat32>> total = new ArrayList<>();
    List<ModelVariable> accumulators = new ArrayList<>();
    Operand<TFloat32> decay = tf.constant(config.weightDecay() / config.replicas());
    for (int i = 0; i < trainable.size(); i++) {
      ModelVariable v = trainable.get(i);
      @SuppressWarnings("unchecked")
      Operand<TFloat32> g = (Operand<TFloat32>) grads[i];
      lossGradients.add(g);
      if (config.accum() > 1) {
        ModelVariable acc =
            store.create("accumulators/" + v.key(), v.shape(), VariableKind.ACCUMULATOR, Initializer.constant(0f));
        accumulators.add(acc);
        accumulate.add(tf.assignAddVariableOp(acc.handle(), g));
        g = tf.math.add(acc.value(), g);
      }
      total.add(tf.math.add(g, tf.math.mul(decay, v.value())));
    }
    KerasNesterovMomentum optimizer = new KerasNesterovMomentum(store, trainable);
    List<Op> applies = optimizer.apply(tf, total, learningRate);
    update.addAll(applies);
    Ops afterApply = tf.withControlDependencies(applies);
    for (ModelVariable acc : accumulators) {
      update.add(afterApply.assignVariableOp(acc.handle(), tf.zerosLike(acc.value())));
    }
    this.slots = optimizer.slots();

    Map<String, Operand<TFloat32>> values = new LinkedHashMap<>();
    Map<String, Operand<? extends TType>> handles = new LinkedHashMap<>();
    for (ModelVariable v : stateVariables()) {
      values.put(v.key(), v.value());
      handles.put(v.key(), v.handle());
    }
    this.checkpoint = new CheckpointOps(tf, values, handles);
    this.images = new BatchTensors(model.exampleShape());
  }

  /** What a training checkpoint holds: weights, BN moving statistics and momentum slots. */
  public List<ModelVariable> stateVariables() {
    List<ModelVariable> out = new ArrayList<>(model.variables().weights());
    out.addAll(slots);
    return out;
  }

  /** Runs one step of the plain objective (no memory bank). */
  public Outcome run(float[] batchImages, int[] batchLabels, int batch, float lr) {
    return run(batchImages, batchLabels, null, batch, lr);
  }

  /**
   * Runs one step on {@code batch} examples: {@code views} normalised images each (NHWC floats,
   * example-major), their labels and, with the memory bank, their teacher logits ({@code [C, n_t]}
   * per example).
   *
   * @throws IllegalArgumentException if the batch does not split into {@code accum} equal chunks
   */
  public Outcome run(float[] batchImages, int[] batchLabels, float[] batchKnowledge, int batch, float lr) {
    if ((knowledge != null) != (batchKnowledge != null)) {
      throw new IllegalArgumentException(knowledge != null
          ? "this step distills from the memory bank: the batch needs teacher logits"
          : "this step has no memory bank, but the batch carries teacher logits");
    }
    if (batch % config.accum() != 0) {
      throw new IllegalArgumentException(
          "batch of " + batch + " does not split into --accum " + config.accum() + " equal chunks");
    }
    int chunk = batch / config.accum();
    float lossSum = 0;
    int hits = 0;
    Session session = model.session();
    try (TFloat32 rate = TFloat32.scalarOf(lr)) {
      for (int k = 0; k < config.accum(); k++) {
        int[] chunkLabels = Arrays.copyOfRange(batchLabels, k * chunk, (k + 1) * chunk);
        int views = config.views();
        try (TInt32 y = TInt32.vectorOf(chunkLabels);
            TFloat32 bank = batchKnowledge == null ? null
                : TensorArrays.rows(batchKnowledge, batchKnowledge.length / batch, k * chunk, chunk)) {
          Session.Runner runner =
              session.runner()
                  .feed(model.images(), images.fill(batchImages, k * chunk * views, chunk * views))
                  .feed(labels, y)
                  .feed(learningRate, rate)
                  .fetch(loss)
                  .fetch(correct);
          if (bank != null) {
            runner.feed(knowledge, bank);
          }
          (k == config.accum() - 1 ? update : accumulate).forEach(runner::addTarget);
          bnUpdates.forEach(runner::addTarget);
          try (Result r = runner.run()) {
            lossSum += ((TFloat32) r.get(0)).getFloat();
            hits += ((TInt32) r.get(1)).getInt();
          }
        }
      }
    }
    return new Outcome(lossSum, hits);
  }

  /**
   * The gradients of the loss of one batch, before weight decay, keyed by variable key; runs no
   * update of any kind. For checks against the reference and diagnostics.
   */
  public Map<String, FloatArray> lossGradients(float[] batchImages, int[] batchLabels, int batch) {
    Session.Runner runner;
    try (TInt32 y = TInt32.vectorOf(Arrays.copyOf(batchLabels, batch))) {
      runner = model.session().runner().feed(model.images(), images.fill(batchImages, batch)).feed(labels, y);
      lossGradients.forEach(runner::fetch);
      Map<String, FloatArray> out = new LinkedHashMap<>();
      try (Result r = runner.run()) {
        for (int i = 0; i < trainable.size(); i++) {
          out.put(trainable.get(i).key(), TensorArrays.toArray((TFloat32) r.get(i)));
        }
      }
      return out;
    }
  }

  public void saveCheckpoint(Path prefix) throws IOException {
    checkpoint.save(model.session(), prefix);
  }

  public void restoreCheckpoint(Path prefix) throws IOException {
    checkpoint.restore(model.session(), prefix);
  }
}
