package dev.ekg.model;

import dev.ekg.io.AtomicFile;
import dev.ekg.io.CheckpointOps;
import dev.ekg.nn.BnMode;
import dev.ekg.nn.Complexity;
import dev.ekg.nn.ModelVariable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.tensorflow.proto.GraphDef;

/**
 * Writes a model's GraphDef ({@code NAME.pb}) and a text summary ({@code NAME.txt}) for inspection
 * or for driving the graph by name elsewhere: feed {@code images}, fetch {@code logits_bn_train} or
 * {@code logits_bn_inference}, restore weights by running {@code save/restore_all} with the
 * checkpoint prefix fed to {@code save/prefix}.
 */
public final class GraphExport {
  private GraphExport() {}

  public static void write(Model model, Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    GraphDef graphDef = model.graphDef();
    AtomicFile.writeProto(dir.resolve(name + ".pb"), graphDef);
    byte[] summary = summary(model, graphDef).getBytes(StandardCharsets.UTF_8);
    AtomicFile.write(dir.resolve(name + ".txt"), out -> out.write(summary));
  }

  static String summary(Model model, GraphDef graphDef) {
    Architecture arch = model.architecture();
    Complexity c = arch.complexity();
    StringBuilder s = new StringBuilder();
    s.append(arch.archName()).append('(').append(arch.numClasses()).append(" classes), input [N,")
        .append(arch.inputSize()).append(',').append(arch.inputSize()).append(",3]\n");
    s.append(String.format(Locale.ROOT, "params %d, FLOPs %d%n", c.params(), c.flops()));
    s.append("nodes ").append(graphDef.getNodeCount()).append('\n');
    s.append("feed: ").append(Model.IMAGES).append(" float32 [N,H,W,3], normalised\n");
    for (BnMode mode : BnMode.values()) {
      s.append("fetch: ").append(Model.logitsName(mode)).append(" float32 [N,classes]\n");
    }
    s.append("restore: feed ").append(CheckpointOps.PREFIX_NAME).append(", run ")
        .append(CheckpointOps.RESTORE_OP_NAME).append('\n');
    s.append("save: feed ").append(CheckpointOps.PREFIX_NAME).append(", run ")
        .append(CheckpointOps.SAVE_OP_NAME).append('\n');
    s.append("variables:\n");
    for (ModelVariable v : model.network().variables().weights()) {
      s.append("  ").append(v.key()).append(' ').append(Arrays.toString(v.shape())).append('\n');
    }
    return s.toString();
  }
}
