package dev.ekg.cli;

import dev.ekg.data.IdxImport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds Fashion-MNIST's four IDX files, installing Debian's {@code dataset-fashion-mnist} package
 * (MIT licence) with apt-get when they are missing from its folder and this process may install.
 */
final class FashionMnistSource {
  /** Where Debian's package puts the files. */
  static final Path DEBIAN_FOLDER = Path.of("/usr/share/datasets/fashion-mnist");
  static final String PACKAGE = "dataset-fashion-mnist";

  private FashionMnistSource() {}

  /**
   * Returns {@code folder} once it holds the four files (each raw or {@code .gz}). When they are
   * missing from {@link #DEBIAN_FOLDER}, installs the package if the process runs as root or may use
   * {@code sudo} without a password.
   *
   * @throws IOException naming the folder and the command that installs the files, when they stay missing
   */
  static Path locate(Path folder, PrintWriter err) throws IOException, InterruptedException {
    if (!IdxImport.holdsSet(folder) && folder.equals(DEBIAN_FOLDER)) {
      List<String> prefix = installPrefix();
      if (prefix != null) {
        err.println("demo: Fashion-MNIST is missing; installing Debian's " + PACKAGE + " with apt-get");
        err.flush();
        if (!apt(prefix, err, "install", "-y", PACKAGE)) {
          apt(prefix, err, "update");
          apt(prefix, err, "install", "-y", PACKAGE);
        }
      }
    }
    if (!IdxImport.holdsSet(folder)) {
      throw new IOException(folder + " does not hold Fashion-MNIST (" + String.join(", ", IdxImport.FILES)
          + ", each raw or .gz): install it with `sudo apt-get install " + PACKAGE
          + "` (Debian, Ubuntu), or pass --idx_path with a folder that holds those files");
    }
    return folder;
  }

  /** {@code apt-get} as root, {@code sudo -n apt-get} where sudo needs no password, else null. */
  private static List<String> installPrefix() throws IOException, InterruptedException {
    if (!onPath("apt-get")) {
      return null;
    }
    if (Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
      return List.of("apt-get");
    }
    if (onPath("sudo") && new ProcessBuilder("sudo", "-n", "true").start().waitFor() == 0) {
      return List.of("sudo", "-n", "apt-get");
    }
    return null;
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** Runs apt-get with its output copied to {@code err}; true when it succeeded. */
  private static boolean apt(List<String> prefix, PrintWriter err, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process process = builder.start();
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        err.println("  " + line);
      }
    }
    err.flush();
    return process.waitFor() == 0;
  }
}
