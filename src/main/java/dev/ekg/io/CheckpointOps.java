package dev.ekg.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Save and restore ops for a fixed set of resource variables, written as a TensorFlow V2 checkpoint
 * ({@code prefix.index} + {@code prefix.data-00000-of-00001}). TF Java's own saver skips resource
 * variables silently, so this builds {@code SaveV2}/{@code RestoreV2} explicitly. The ops are named
 * {@code save/prefix}, {@code save/save_all} and {@code save/restore_all}, so a re-imported GraphDef
 * can restore by name; {@link #saverDef} describes them to TensorFlow's own loaders.
 */
public final class CheckpointOps {
  public static final String PREFIX_NAME = "save/prefix";
  public static final String SAVE_OP_NAME = "save/save_all";
  public static final String RESTORE_OP_NAME = "save/restore_all";

  private final Placeholder<TString> prefix;
  private final Op save;
  private final Operand<TString> savedPrefix;
  private final Op restore;

  /**
   * @param values the value to save under each key
   * @param handles the resource handle to restore each key into (same keys)
   */
  public CheckpointOps(
      Ops root, Map<String, Operand<TFloat32>> values, Map<String, Operand<? extends TType>> handles) {
    Ops tf = root.withSubScope("save");
    List<String> keys = new ArrayList<>(values.keySet());
    this.prefix = tf.withName("prefix").placeholder(TString.class);
    List<Operand<?>> tensors = new ArrayList<>();
    keys.forEach(k -> tensors.add(values.get(k)));
    this.save =
        tf.withName("save_all").train.save(prefix, strings(tf, keys), emptySlices(tf, keys), tensors);
    // a SaverDef names a tensor to fetch for saving, not an op
    this.savedPrefix = tf.withControlDependencies(List.of(save)).withName("saved_prefix").identity(prefix);
    List<Op> assigns = new ArrayList<>();
    if (!handles.isEmpty()) {
      Restore restored = restoreFloats(tf, prefix, keys);
      for (int i = 0; i < keys.size(); i++) {
        assigns.add(tf.assignVariableOp(handles.get(keys.get(i)), restored.tensors().get(i)));
      }
    }
    this.restore = tf.withControlDependencies(assigns).withName("restore_all").noOp();
  }

  /**
   * These ops as TensorFlow's savers and SavedModel loaders drive them: feed the checkpoint prefix to
   * the filename tensor, then run the restore op or fetch the save tensor.
   */
  public SaverDef saverDef() {
    return SaverDef.newBuilder()
        .setFilenameTensorName(prefix.op().name() + ":0")
        .setSaveTensorName(savedPrefix.op().name() + ":0")
        .setRestoreOpName(restore.op().name())
        .setVersion(SaverDef.CheckpointFormatVersion.V2)
        .build();
  }

  /**
   * Writes the checkpoint atomically: into temporary files beside {@code target}, then renamed
   * (data first, index last), so an interrupted save leaves any previous checkpoint intact.
   */
  public void save(Session session, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve(".tmp-" + target.getFileName() + "-" + ProcessHandle.current().pid());
    try (TString p = TString.scalarOf(temp.toString())) {
      session.runner().feed(prefix, p).addTarget(save).run();
    } catch (TensorFlowException e) {
      throw new IOException("cannot write checkpoint " + target + ": " + e.getMessage(), e);
    }
    Files.move(dataFile(temp), dataFile(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.move(indexFile(temp), indexFile(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Restores every variable from {@code prefix}; shapes must match the graph's variables. */
  public void restore(Session session, Path checkpoint) throws IOException {
    Checkpoints.requireExists(checkpoint);
    try (TString p = TString.scalarOf(checkpoint.toString())) {
      session.runner().feed(prefix, p).addTarget(restore).run();
    } catch (TensorFlowException e) {
      throw new IOException("cannot restore checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
  }

  /** A RestoreV2 op reading {@code keys} as float32 tensors. */
  static Restore restoreFloats(Ops tf, Operand<TString> prefix, List<String> keys) {
    List<Class<? extends TType>> types = new ArrayList<>();
    keys.forEach(k -> types.add(TFloat32.class));
    return tf.train.restore(prefix, strings(tf, keys), emptySlices(tf, keys), types);
  }

  private static Operand<TString> strings(Ops tf, List<String> values) {
    return tf.constant(NdArrays.vectorOfObjects(values.toArray(String[]::new)));
  }

  /** Whole tensors: an empty shape-and-slice spec per key. */
  private static Operand<TString> emptySlices(Ops tf, List<String> keys) {
    return strings(tf, java.util.Collections.nCopies(keys.size(), ""));
  }

  static Path indexFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".index");
  }

  static Path dataFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".data-00000-of-00001");
  }
}
