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
import dev.ekg.nn.MovingAverage;
import dev.ekg.nn.VariableKind;
import dev.ekg.nn.VariableStore;
import dev.ekg.runtime.Cluster;
import dev.ekg.runtime.CollectiveSum;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.PlacedGradients;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * One optimisation step of a model, built once into the model's graph (reference §5.1, §5.3): loss
 * {@code Σ CE / batchSizeFlag}, gradients by {@code Graph.addGradients}, coupled L2 weight decay on
 * every trainable variable, Keras Nesterov momentum with the learning rate fed per step, BN moving
 * averages updated with every chunk. With {@code accum > 1} the batch runs as equal chunks whose
 * gradients are summed; weight decay is added once and one update made.
 *
 * <p>Mirrored over the model's replica devices (§5.3 MirroredStrategy semantics): replica k of n
 * takes rows [k·B/n, (k+1)·B/n) of every batch, runs the forward and backward pass on its own
 * device with its own batch statistics, and divides its loss by the global batch; the replicas'
 * gradients are summed once and one update is applied to the shared variables. Each replica adds
 * {@code wd/n · w}, so the sum carries {@code wd · w}. The BN moving statistics are updated from the
 * mean of the replicas' batch statistics.
 */
public final class TrainStep {
  /**
   * @param batchSizeFlag the loss divisor: the {@code --batch_size} flag, as the reference divides
   *     by the flag and not by the actual batch
   */
  public record Config(float weightDecay, int batchSizeFlag, int accum, int teachers) {
    /** Plain cross-entropy (§5.1), no memory bank. */
    public Config(float weightDecay, int batchSizeFlag, int accum) {
      this(weightDecay, batchSizeFlag, accum, 0);
    }

    /** This config with {@code count} memory-bank teachers (0: plain cross-entropy). */
    public Config withTeachers(int count) {
      return new Config(weightDecay, batchSizeFlag, accum, count);
    }

    /**
     * @throws IllegalArgumentException naming both numbers if {@code --batch_size} does not split
     *     evenly over {@code replicas} and their {@code --accum} chunks
     */
    public void requireEvenSplit(int replicas) {
      TrainStep.requireEvenSplit("--batch_size", batchSizeFlag, replicas, accum);
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

  /** One replica's share of the step: its inputs, loss, hits and loss gradients. */
  private record Tower(
      Placeholder<TFloat32> images,
      BatchTensors imageTensors,
      Placeholder<TInt32> labels,
      Placeholder<TFloat32> knowledge,
      Operand<TFloat32> loss,
      Operand<TInt32> correct,
      List<Operand<TFloat32>> gradients,
      Forward forward) {}

  private final TrainableModel model;
  private final Config config;
  private final Placeholder<TFloat32> learningRate;
  private final List<Tower> towers = new ArrayList<>();
  private final List<Op> accumulate = new ArrayList<>();
  private final List<Op> update = new ArrayList<>();
  private final List<Op> bnUpdates = new ArrayList<>();
  /** What a step fetches for its {@link Outcome}: per replica, or already summed over the workers. */
  private final List<Operand<TFloat32>> lossParts = new ArrayList<>();
  private final List<Operand<? extends TNumber>> hitParts = new ArrayList<>();
  /** This worker's first replica among all workers' replicas, and their count. */
  private final int firstReplica;
  private final int totalReplicas;
  private final List<ModelVariable> slots;
  private final List<ModelVariable> trainable;
  private final CheckpointOps checkpoint;

  /**
   * @throws IllegalArgumentException if {@code --batch_size} does not split evenly over the
   *     replicas and their {@code --accum} chunks
   */
  public TrainStep(TrainableModel model, Config config) {
    this.model = model;
    this.config = config;
    Ops tf = model.ops().withSubScope("train");
    VariableStore store = model.variables();
    this.trainable = store.of(VariableKind.TRAINABLE);
    List<DeviceSpec> devices = model.replicaDevices();
    Cluster cluster = model.cluster();
    int replicas = devices.size();
    config.requireEvenSplit(replicas * cluster.size());
    this.firstReplica = cluster.taskIndex() * replicas;
    this.totalReplicas = cluster.size() * replicas;
    CollectiveSum acrossWorkers = cluster.isDistributed() ? new CollectiveSum(cluster) : null;
    this.learningRate = tf.withName("learning_rate").placeholder(TFloat32.class);
    if (replicas == 1) {
      towers.add(tower(tf, null, model.images(), model.forward(BnMode.TRAIN)));
    } else {
      for (int r = 0; r < replicas; r++) {
        Ops replica = tf.withSubScope("replica" + r).withDevice(devices.get(r));
        Placeholder<TFloat32> images = replica.withName("images").placeholder(TFloat32.class,
            Placeholder.shape(Shape.of(-1, model.exampleShape()[0], model.exampleShape()[1], model.exampleShape()[2])));
        towers.add(tower(replica, "train/replica" + r + "/gradients", images,
            model.forward(replica, images, BnMode.TRAIN)));
      }
    }
    if (acrossWorkers == null) {
      List<List<MovingAverage>> statistics = towers.stream().map(t -> t.forward().batchStatistics()).toList();
      for (int j = 0; j < statistics.get(0).size(); j++) {
        int statistic = j;
        bnUpdates.add(replicas == 1
            ? towers.get(0).forward().bnUpdates().get(j)
            : MovingAverage.meanUpdate(tf, statistics.stream().map(s -> s.get(statistic)).toList()));
      }
      for (Tower t : towers) {
        lossParts.add(t.loss());
        hitParts.add(t.correct());
      }
    } else {
      for (int j = 0; j < towers.get(0).forward().batchStatistics().size(); j++) {
        int statistic = j;
        List<MovingAverage> local = towers.stream().map(t -> t.forward().batchStatistics().get(statistic)).toList();
        Operand<TFloat32> sum = acrossWorkers.of(tf, addAll(tf, local.stream().map(MovingAverage::batchValue).toList()));
        bnUpdates.add(local.get(0).updateTowards(tf, tf.math.mul(sum, tf.constant(1f / totalReplicas))));
      }
      lossParts.add(acrossWorkers.of(tf, addAll(tf, towers.stream().map(Tower::loss).toList())));
      hitParts.add(acrossWorkers.of(tf, tf.dtypes.cast(
          addAll(tf, towers.stream().map(Tower::correct).toList()), TFloat32.class)));
    }

    List<Operand<TFloat32>> total = new ArrayList<>();
    List<ModelVariable> accumulators = new ArrayList<>();
    Operand<TFloat32> decay = tf.constant(config.weightDecay());
    for (int i = 0; i < trainable.size(); i++) {
      ModelVariable v = trainable.get(i);
      int variable = i;
      Operand<TFloat32> g = addAll(tf, towers.stream().map(t -> t.gradients().get(variable)).toList());
      if (acrossWorkers != null) {
        g = acrossWorkers.of(tf, g);
      }
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
  }

  private static <T extends TNumber> Operand<T> addAll(Ops tf, List<Operand<T>> parts) {
    return parts.size() == 1 ? parts.get(0) : tf.math.addN(parts);
  }

  /**
   * @throws IllegalArgumentException naming both numbers if batches of {@code batch} (the value of
   *     {@code flag}) do not split evenly over {@code replicas} and their {@code accum} chunks
   */
  public static void requireEvenSplit(String flag, int batch, int replicas, int accum) {
    if (batch % (replicas * accum) != 0) {
      throw new IllegalArgumentException(flag + " " + batch + " does not split evenly over " + replicas
          + " replicas × --accum " + accum + ": expected a multiple of " + replicas * accum);
    }
  }

  /**
   * The objective of one replica on its rows (reference §5.1, §5.2) and its gradients.
   *
   * @param gradientPrefix the name scope of the gradient ops; null for the graph's default
   */
  private Tower tower(Ops tf, String gradientPrefix, Placeholder<TFloat32> images, Forward forward) {
    int classes = model.numClasses();
    Placeholder<TInt32> labels = tf.withName("labels").placeholder(TInt32.class);
    Placeholder<TFloat32> knowledge = null;
    Operand<TInt32> rowLabels = config.views() == 1 ? labels : MemoryBankDistillation.perView(tf, labels);
    Operand<TFloat32> oneHot = tf.oneHot(rowLabels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> loss;
    if (config.teachers() > 0) {
      knowledge = tf.withName("knowledge").placeholder(TFloat32.class);
      Operand<TFloat32> bank = tf.reshape(knowledge, tf.constant(new int[] {-1, classes, config.teachers()}));
      loss = tf.withName("loss").identity(MemoryBankDistillation.loss(
          tf, forward.logits(), oneHot, bank, classes, config.batchSizeFlag()));
    } else {
      Operand<TFloat32> ce = tf.nn.softmaxCrossEntropyWithLogits(forward.logits(), oneHot).loss();
      loss = tf.withName("loss").math.div(tf.reduceSum(ce, tf.constant(0)), tf.constant((float) config.batchSizeFlag()));
    }
    Operand<TInt32> correct =
        tf.reduceSum(
            tf.dtypes.cast(tf.math.equal(tf.math.argMax(forward.logits(), tf.constant(1), TInt32.class), rowLabels),
                TInt32.class),
            tf.constant(0));

    // with two views the gradients are halved, averaging the views; weight decay is not (§5.2)
    Operand<TFloat32> objective =
        config.views() == 1 ? loss : tf.math.mul(loss, tf.constant(1f / config.views()));
    Output<?>[] grads = PlacedGradients.add(model.graph(), gradientPrefix, tf.scope().getDeviceString(),
        objective.asOutput(), trainable.stream().map(v -> v.value().asOutput()).toArray(Output[]::new));
    List<Operand<TFloat32>> gradients = new ArrayList<>();
    for (Output<?> g : grads) {
      @SuppressWarnings("unchecked")
      Operand<TFloat32> typed = (Operand<TFloat32>) g;
      gradients.add(typed);
    }
    return new Tower(images, new BatchTensors(model.exampleShape()), labels, knowledge, loss, correct, gradients,
        forward);
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
   * @throws IllegalArgumentException if the batch does not split into equal chunks over the
   *     replicas and {@code accum}
   */
  public Outcome run(float[] batchImages, int[] batchLabels, float[] batchKnowledge, int batch, float lr) {
    boolean distills = config.teachers() > 0;
    if (distills != (batchKnowledge != null)) {
      throw new IllegalArgumentException(distills
          ? "this step distills from the memory bank: the batch needs teacher logits"
          : "this step has no memory bank, but the batch carries teacher logits");
    }
    int replicas = towers.size();
    requireEvenSplit("a batch of", batch, totalReplicas, config.accum());
    int shard = batch / totalReplicas;
    int chunk = shard / config.accum();
    int views = config.views();
    float lossSum = 0;
    int hits = 0;
    try (TFloat32 rate = TFloat32.scalarOf(lr)) {
      for (int k = 0; k < config.accum(); k++) {
        List<Tensor> fed = new ArrayList<>();
        try {
          Session.Runner runner = model.session().runner().feed(learningRate, rate);
          for (int r = 0; r < replicas; r++) {
            Tower tower = towers.get(r);
            int first = (firstReplica + r) * shard + k * chunk;
            TInt32 y = TInt32.vectorOf(Arrays.copyOfRange(batchLabels, first, first + chunk));
            fed.add(y);
            runner.feed(tower.images(), tower.imageTensors().fill(batchImages, first * views, chunk * views))
                .feed(tower.labels(), y);
            if (distills) {
              TFloat32 bank = TensorArrays.rows(batchKnowledge, batchKnowledge.length / batch, first, chunk);
              fed.add(bank);
              runner.feed(tower.knowledge(), bank);
            }
          }
          lossParts.forEach(runner::fetch);
          hitParts.forEach(runner::fetch);
          (k == config.accum() - 1 ? update : accumulate).forEach(runner::addTarget);
          bnUpdates.forEach(runner::addTarget);
          try (Result r = runner.run()) {
            for (int i = 0; i < lossParts.size(); i++) {
              lossSum += ((TFloat32) r.get(i)).getFloat();
            }
            for (int i = 0; i < hitParts.size(); i++) {
              hits += r.get(lossParts.size() + i) instanceof TInt32 count
                  ? count.getInt()
                  : Math.round(((TFloat32) r.get(lossParts.size() + i)).getFloat());
            }
          }
        } finally {
          fed.forEach(Tensor::close);
        }
      }
    }
    return new Outcome(lossSum, hits);
  }

  /**
   * The gradients of the loss of one batch, before weight decay, keyed by variable key; runs no
   * update of any kind. For checks against the reference and diagnostics (one replica).
   */
  public Map<String, FloatArray> lossGradients(float[] batchImages, int[] batchLabels, int batch) {
    Tower tower = towers.get(0);
    try (TInt32 y = TInt32.vectorOf(Arrays.copyOf(batchLabels, batch))) {
      Session.Runner runner = model.session().runner()
          .feed(tower.images(), tower.imageTensors().fill(batchImages, batch))
          .feed(tower.labels(), y);
      tower.gradients().forEach(runner::fetch);
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
