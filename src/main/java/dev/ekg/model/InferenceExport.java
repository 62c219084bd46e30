package dev.ekg.model;

import dev.ekg.io.AtomicDirectory;
import dev.ekg.io.AtomicFile;
import dev.ekg.io.CheckpointOps;
import dev.ekg.io.FloatArray;
import dev.ekg.nn.Initializer;
import dev.ekg.nn.ModelVariable;
import dev.ekg.nn.VariableKind;
import dev.ekg.nn.VariableStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.VariableDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * Writes a network for serving, each batch norm folded into its convolution ({@link FoldedNetwork}):
 * a TensorFlow SavedModel (tag {@value #TAG}, signature {@value #SIGNATURE}: {@value #INPUT} float32
 * [N,H,W,3], normalised → {@value #OUTPUT} float32 [N,classes]) and {@value #FROZEN_GRAPH}, the same
 * graph with the weights as constants, fed at {@code images:0} and fetched at {@code logits:0}.
 *
 * <p>TF Java's SavedModel exporter saves through {@code Session.save}, which skips resource variables
 * (tfjava-notes §4), so the protos are written here: the weights are resource variables that
 * {@link CheckpointOps} saves to {@code variables/variables} and restores through the SaverDef, and
 * the {@code variables} collection lists them as VariableDefs, which Python's loader turns into the
 * loaded object's variables.
 */
public final class InferenceExport {
  public static final String TAG = "serve";
  public static final String SIGNATURE = "serving_default";
  public static final String INPUT = Model.IMAGES;
  public static final String OUTPUT = "logits";
  public static final String SAVED_MODEL = "saved_model.pb";
  public static final String FROZEN_GRAPH = "frozen_graph.pb";
  private static final String PREDICT_METHOD = "tensorflow/serving/predict";
  private static final String VARIABLES_COLLECTION = "variables";

  private InferenceExport() {}

  /**
   * Writes {@code target} as a whole (a temporary sibling renamed once complete).
   *
   * @param model a plain (ungated) network
   * @param flag how messages name {@code target}
   * @throws IllegalArgumentException naming {@code flag} when {@code target} is a file or not empty
   */
  public static void write(Model model, Path target, String flag) throws IOException {
    Architecture architecture = model.architecture();
    Map<String, FloatArray> weights = model.weights();
    FoldedNetwork folded = new FoldedNetwork(architecture, weights);
    AtomicDirectory.writeNew(flag, target, dir -> {
      writeSavedModel(architecture, folded, dir);
      writeFrozenGraph(architecture, weights, dir);
      return null;
    });
  }

  private static void writeSavedModel(Architecture architecture, FoldedNetwork folded, Path dir) throws IOException {
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Placeholder<TFloat32> images = images(tf, architecture);
      VariableStore store = new VariableStore(tf, 1);
      folded.weights().forEach((key, a) -> store.create(key, a.shape(), VariableKind.TRAINABLE, Initializer.constant(0f)));
      Operand<TFloat32> logits = tf.withName(OUTPUT).identity(folded.logits(tf, images, key -> store.get(key).value()));
      Map<String, Operand<TFloat32>> values = new LinkedHashMap<>();
      Map<String, Operand<? extends TType>> handles = new LinkedHashMap<>();
      for (ModelVariable v : store.weights()) {
        values.put(v.key(), v.value());
        handles.put(v.key(), v.handle());
      }
      CheckpointOps checkpoint = new CheckpointOps(tf, values, handles);
      try (Session session = new Session(graph)) {
        store.assign(session, folded.weights());
        checkpoint.save(session, dir.resolve("variables").resolve("variables"));
      }
      MetaGraphDef meta = MetaGraphDef.newBuilder()
          .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags(TAG).setTensorflowVersion(TensorFlow.version()))
          .setGraphDef(graph.toGraphDef())
          .setSaverDef(checkpoint.saverDef())
          .putCollectionDef(VARIABLES_COLLECTION, variableDefs(store.weights()))
          .putSignatureDef(SIGNATURE, SignatureDef.newBuilder()
              .putInputs(INPUT, tensorInfo(images, Shape.of(-1, architecture.inputSize(), architecture.inputSize(), 3)))
              .putOutputs(OUTPUT, tensorInfo(logits, Shape.of(-1, architecture.numClasses())))
              .setMethodName(PREDICT_METHOD)
              .build())
          .build();
      AtomicFile.writeProto(dir.resolve(SAVED_MODEL),
          SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(meta).build());
    }
  }

  private static void writeFrozenGraph(Architecture architecture, Map<String, FloatArray> weights, Path dir)
      throws IOException {
    try (FrozenNetwork frozen = new FrozenNetwork(architecture, weights)) {
      AtomicFile.writeProto(dir.resolve(FROZEN_GRAPH), frozen.graphDef());
    }
  }

  /** The input placeholder of a served network: normalised images [-1, side, side, 3]. */
  static Placeholder<TFloat32> images(Ops tf, Architecture architecture) {
    int side = architecture.inputSize();
    return tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, side, side, 3)));
  }

  private static TensorInfo tensorInfo(Operand<TFloat32> tensor, Shape shape) {
    TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
    for (long d : shape.asArray()) {
      dims.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return TensorInfo.newBuilder()
        .setName(tensor.op().name() + ":0")
        .setDtype(DataType.DT_FLOAT)
        .setTensorShape(dims)
        .build();
  }

  private static CollectionDef variableDefs(List<ModelVariable> variables) {
    CollectionDef.BytesList.Builder list = CollectionDef.BytesList.newBuilder();
    for (ModelVariable v : variables) {
      list.addValue(VariableDef.newBuilder()
          .setVariableName(v.handle().op().name() + ":0")
          .setInitializerName(v.initializer().op().name())
          .setSnapshotName(v.value().op().name() + ":0")
          .setIsResource(true)
          .setTrainable(true)
          .build()
          .toByteString());
    }
    return CollectionDef.newBuilder().setBytesList(list).build();
  }
}
