package dev.ekg.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ekg.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * {@code arguments.json}: every flag of a run as valid JSON, like the reference's
 * {@code arguments.txt} (§7.3) but without its float32 crash (§10.4).
 */
final class ArgumentsFile {
  static final String FILE = "arguments.json";

  private ArgumentsFile() {}

  /**
   * Flags a resumed run may change: where and how it runs, not what it computes. The workers'
   * addresses may change; their number, recorded as {@value #WORKERS}, may not.
   */
  static final Set<String> FREE_ON_RESUME = Set.of("resume", "overwrite", "do_log", "threads", "compile",
      "worker_hosts", "task_index", "worker_timeout", "search_cache", "phase", "data_path", "train_path", "setting");

  /** The entry beside the flags that records how many workers ran: flags or {@code TF_CONFIG} set it. */
  static final String WORKERS = "workers";

  private static final ObjectMapper JSON = new ObjectMapper();

  static void write(CommandLine.Model.CommandSpec spec, Path dir, int workers) throws IOException {
    Map<String, Object> args = arguments(spec);
    args.put(WORKERS, workers);
    byte[] json = JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(args);
    AtomicFile.write(dir.resolve(FILE), o -> o.write(json));
  }

  /**
   * Refuses to resume the run in {@code dir} with flags that change its result: a resumed run must
   * continue the computation it interrupted, on as many workers. Entries missing from the saved file
   * are not compared.
   */
  static void requireSameRun(CommandLine.Model.CommandSpec spec, Path dir, int workers) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return;
    }
    JsonNode saved;
    try {
      saved = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + ": unreadable arguments of the run to resume (" + e.getMessage().lines().findFirst()
          .orElse("") + "): restore the file or start over with --overwrite", e);
    }
    if (saved == null || !saved.isObject()) {
      throw new IOException(file + ": expected a JSON object of the run's flags, got " + saved);
    }
    List<String> changed = new ArrayList<>();
    for (CommandLine.Model.OptionSpec o : flags(spec)) {
      String name = name(o);
      JsonNode before = saved.get(name);
      // through JSON text, as the saved value went: numbers compare by value, not by Java type
      JsonNode now = JSON.readTree(JSON.writeValueAsString(json(o)));
      boolean same = before == null || FREE_ON_RESUME.contains(name)
          || (o.getValue() instanceof Path p ? samePath(before, p) : before.equals(now));
      if (!same) {
        changed.add("--" + name + " " + before + " -> " + now);
      }
    }
    JsonNode workersBefore = saved.get(WORKERS);
    if (workersBefore != null && workersBefore.asInt() != workers) {
      changed.add("workers (--worker_hosts or TF_CONFIG) " + workersBefore + " -> " + workers);
    }
    if (!changed.isEmpty()) {
      throw new IllegalArgumentException("--resume: the run in " + dir + " was started with other values ("
          + String.join(", ", changed) + "); resume with the saved values (" + file
          + ") or start a new run with --overwrite or another --train_path");
    }
  }

  /** Every flag of the command by name (without {@code --}), as {@code arguments.json} holds them. */
  static Map<String, Object> arguments(CommandLine.Model.CommandSpec spec) {
    Map<String, Object> args = new LinkedHashMap<>();
    for (CommandLine.Model.OptionSpec o : flags(spec)) {
      args.put(name(o), json(o));
    }
    return args;
  }

  private static List<CommandLine.Model.OptionSpec> flags(CommandLine.Model.CommandSpec spec) {
    return spec.options().stream().filter(o -> !o.usageHelp() && !o.versionHelp()).toList();
  }

  private static String name(CommandLine.Model.OptionSpec o) {
    return o.longestName().replaceFirst("^--", "");
  }

  private static Object json(CommandLine.Model.OptionSpec o) {
    Object value = o.getValue();
    return value instanceof Path p ? p.toString() : value;
  }

  /** The same file however it was spelled (relative to this directory, or absolute). */
  private static boolean samePath(JsonNode saved, Path now) {
    return saved.isTextual()
        && Path.of(saved.asText()).toAbsolutePath().normalize().equals(now.toAbsolutePath().normalize());
  }
}
