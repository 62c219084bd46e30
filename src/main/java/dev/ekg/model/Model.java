package dev.ekg.model;

import dev.ekg.io.CheckpointOps;
import dev.ekg.io.FloatArray;
import dev.ekg.io.TensorArrays;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.ModelVariable;
import dev.ekg.nn.MovingAverage;
import dev.ekg.nn.VariableKind;
import dev.ekg.nn.VariableStore;
import dev.ekg.runtime.Cluster;
import dev.ekg.runtime.ReplicaRows;
import dev.ekg.runtime.SessionOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * One network in its own graph and session, ready for inference in both BN modes: the graph is
 * built once, weights are assigned into its variables, and images are fed per batch. With several
 * replica devices {@link #logits(TFloat32, BnMode)} and the BN statistics updates run one tower per
 * device on its rows of the batch ({@link ReplicaRows}), batch statistics per replica and moving
 * statistics from their mean; the named logits ops and {@link #forward(BnMode)} stay on one device. Op names are
 * stable so an exported GraphDef can be driven by name: {@value #IMAGES}, {@code logits_bn_train},
 * {@code logits_bn_inference}, and the {@link CheckpointOps} names.
 */
public final class Model implements TrainableModel, AutoCloseable {
  public static final String IMAGES = "images";

  private final Graph graph;
  private final Ops tf;
  private final NetworkGraph network;
  private final Placeholder<TFloat32> images;
  private final Map<BnMode, Forward> forwards = new EnumMap<>(BnMode.class);
  private final Map<BnMode, Operand<TFloat32>> logits = new EnumMap<>(BnMode.class);
  private final CheckpointOps checkpoint;
  private final Session session;
  private final List<DeviceSpec> replicaDevices;
  private final Cluster cluster;
  private final Map<BnMode, Operand<TFloat32>> mirroredLogits = new EnumMap<>(BnMode.class);
  private final List<Op> mirroredBnUpdates = new ArrayList<>();

  private Model(Architecture architecture, boolean gated, long seed, SessionOptions options) {
    this.graph = new Graph();
    this.tf = Ops.create(graph);
    this.network = new NetworkGraph(tf, architecture, gated, seed);
    int side = architecture.inputSize();
    this.images =
        tf.withName(IMAGES)
            .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, side, side, 3)));
    this.replicaDevices = options.replicaDevices();
    this.cluster = options.cluster();
    for (BnMode mode : BnMode.values()) {
      Forward forward = network.forward(tf, images, mode);
      forwards.put(mode, forward);
      logits.put(mode, tf.withName(logitsName(mode)).identity(forward.logits()));
      if (replicaDevices.size() > 1) {
        List<Forward> towers = towers(mode);
        mirroredLogits.put(mode, tf.concat(towers.stream().map(Forward::logits).toList(), tf.constant(0)));
        if (mode == BnMode.TRAIN) {
          mirroredBnUpdates.addAll(meanUpdates(towers));
        }
      }
    }
    Map<String, Operand<TFloat32>> values = new LinkedHashMap<>();
    Map<String, Operand<? extends TType>> handles = new LinkedHashMap<>();
    for (ModelVariable v : weightVariables()) {
      values.put(v.key(), v.value());
      handles.put(v.key(), v.handle());
    }
    this.checkpoint = new CheckpointOps(tf, values, handles);
    this.session = options.open(graph);
  }

  /** One forward pass per replica device, each on its rows of {@link #images()} ({@link ReplicaRows}). */
  private List<Forward> towers(BnMode mode) {
    List<Forward> towers = new ArrayList<>();
    for (int r = 0; r < replicaDevices.size(); r++) {
      Ops replica = tf.withSubScope("replica" + r + "_" + mode.name().toLowerCase(Locale.ROOT))
          .withDevice(replicaDevices.get(r));
      towers.add(network.forward(replica, ReplicaRows.of(replica, images, r, replicaDevices.size()), mode));
    }
    return towers;
  }

  private List<Op> meanUpdates(List<Forward> towers) {
    List<Op> updates = new ArrayList<>();
    for (int j = 0; j < towers.get(0).batchStatistics().size(); j++) {
      int statistic = j;
      updates.add(MovingAverage.meanUpdate(tf, towers.stream().map(t -> t.batchStatistics().get(statistic)).toList()));
    }
    return updates;
  }

  /** A plain (ungated) network with random initial weights (seed 1). */
  public static Model create(Architecture architecture, SessionOptions options) {
    return create(architecture, options, 1);
  }

  /** A plain network with the reference's random initial weights drawn from {@code seed}. */
  public static Model create(Architecture architecture, SessionOptions options, long seed) {
    return new Model(architecture, false, seed, options);
  }

  /** A plain network holding {@code weights} (keys as in the reference's {@code .pkl}). */
  public static Model withWeights(
      Architecture architecture, Map<String, FloatArray> weights, SessionOptions options) {
    return loaded(create(architecture, options), weights);
  }

  /**
   * The network {@code spec} names at the widths the shapes of {@code weights} imply (reference
   * §7.2), holding them: the one way a weight file becomes a model.
   *
   * @param source the file the weights came from, for error messages
   * @throws ArchitectureMismatchException naming the key and the expected and actual shape
   */
  public static Model open(NetworkSpec spec, Map<String, FloatArray> weights, String source, SessionOptions options) {
    return withWeights(spec.fromWeights(weights, source), weights, options);
  }

  /** {@link #open} with one gate per channel group attached (all masks 1), for the search. */
  public static Model openGated(
      NetworkSpec spec, Map<String, FloatArray> weights, String source, SessionOptions options) {
    return gated(spec.fromWeights(weights, source), weights, options);
  }

  /**
   * A network with one gate per channel group attached (all masks 1), holding {@code weights}:
   * the pseudo-supernet the search evaluates sub-networks of by changing masks only.
   */
  public static Model gated(
      Architecture architecture, Map<String, FloatArray> weights, SessionOptions options) {
    return loaded(new Model(architecture, true, 1, options), weights);
  }

  private static Model loaded(Model model, Map<String, FloatArray> weights) {
    try {
      model.loadWeights(weights);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Sets every gate's {0,1} mask ({@code masks[g]} has the gate's channel count). */
  public void setMasks(float[][] masks) {
    List<dev.ekg.nn.Gate> gates = network.gates();
    if (masks.length != gates.size()) {
      throw new IllegalArgumentException("expected " + gates.size() + " gate masks, got " + masks.length);
    }
    Map<String, FloatArray> values = new LinkedHashMap<>();
    for (int g = 0; g < masks.length; g++) {
      values.put(gates.get(g).maskVariable().key(), new FloatArray(new int[] {masks[g].length}, masks[g]));
    }
    network.variables().assign(session, values);
  }

  public static String logitsName(BnMode mode) {
    return "logits_bn_" + mode.name().toLowerCase(Locale.ROOT);
  }

  public NetworkGraph network() {
    return network;
  }

  public Architecture architecture() {
    return network.architecture();
  }

  @Override
  public VariableStore variables() {
    return network.variables();
  }

  @Override
  public int numClasses() {
    return network.architecture().numClasses();
  }

  @Override
  public int[] exampleShape() {
    int side = network.architecture().inputSize();
    return new int[] {side, side, 3};
  }

  @Override
  public Session session() {
    return session;
  }

  @Override
  public Placeholder<TFloat32> images() {
    return images;
  }

  public Operand<TFloat32> logits(BnMode mode) {
    return logits.get(mode);
  }

  /** The forward pass on {@link #images()}: in train mode it carries the BN moving-average updates. */
  @Override
  public Forward forward(BnMode mode) {
    return forwards.get(mode);
  }

  @Override
  public Forward forward(Ops ops, Operand<TFloat32> input, BnMode mode) {
    return network.forward(ops, input, mode);
  }

  @Override
  public List<DeviceSpec> replicaDevices() {
    return replicaDevices;
  }

  @Override
  public Cluster cluster() {
    return cluster;
  }

  @Override
  public Graph graph() {
    return graph;
  }

  /** The graph's op builder, for attaching more ops (a training step) to this model's graph. */
  @Override
  public Ops ops() {
    return tf;
  }

  /**
   * Assigns every weight of the network from {@code weights} keyed like the reference's
   * {@code .pkl} ({@code conv/kernel:0}); extra keys are ignored, as the reference does (§7.2).
   */
  public void loadWeights(Map<String, FloatArray> weights) {
    Map<String, FloatArray> byKey = new LinkedHashMap<>();
    for (ModelVariable v : weightVariables()) {
      FloatArray a = weights.get(v.pickleKey());
      if (a == null) {
        throw new ArchitectureMismatchException("weights have no key '" + v.pickleKey() + "'");
      }
      byKey.put(v.key(), a);
    }
    network.variables().assign(session, byKey);
  }

  /**
   * The weights keyed like the reference's {@code .pkl}, trainable variables first, then the moving
   * statistics (reference §7.1 key order).
   */
  public LinkedHashMap<String, FloatArray> weights() {
    LinkedHashMap<String, FloatArray> out = new LinkedHashMap<>();
    VariableStore.read(session, weightVariables()).forEach((k, v) -> out.put(k + ":0", v));
    return out;
  }

  private List<ModelVariable> weightVariables() {
    List<ModelVariable> vars = new ArrayList<>(network.variables().of(VariableKind.TRAINABLE));
    vars.addAll(network.variables().of(VariableKind.MOVING_STATISTIC));
    return vars;
  }

  /** Logits [N, classes] of one batch of normalised images. */
  public FloatArray logits(TFloat32 batch, BnMode mode) {
    Operand<TFloat32> z = mirrors(batch) ? mirroredLogits.get(mode) : logits.get(mode);
    try (Result r = session.runner().feed(images, batch).fetch(z).run()) {
      return TensorArrays.toArray((TFloat32) r.get(0));
    }
  }

  private boolean mirrors(TFloat32 batch) {
    return ReplicaRows.splits(batch.shape().get(0), replicaDevices.size());
  }

  /** One moving-average update of every batch norm from the statistics of {@code batch}. */
  public void updateBatchNormStatistics(TFloat32 batch) {
    Session.Runner runner = session.runner().feed(images, batch);
    (mirrors(batch) ? mirroredBnUpdates : forwards.get(BnMode.TRAIN).bnUpdates()).forEach(runner::addTarget);
    runner.run();
  }

  public void saveCheckpoint(Path prefix) throws IOException {
    checkpoint.save(session, prefix);
  }

  public void restoreCheckpoint(Path prefix) throws IOException {
    checkpoint.restore(session, prefix);
  }

  /** The whole graph: both logits outputs, variables with their initialisers, save and restore ops. */
  public GraphDef graphDef() {
    return graph.toGraphDef();
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
