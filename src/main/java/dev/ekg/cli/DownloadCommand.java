package dev.ekg.cli;

import dev.ekg.data.CifarDownload;
import dev.ekg.data.CifarVariant;
import dev.ekg.io.HttpDownload;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Fetches and unpacks the official CIFAR binary archive (see {@link CifarDownload}). */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fetches the CIFAR-10 or CIFAR-100 binary archive and unpacks it into --data_path.",
      "Checks the archive's MD5 and unpacks it at once (DIR/cifar-10-batches-bin/ or DIR/cifar-100-binary/). An "
          + "interrupted transfer leaves DIR.<archive>.part beside DIR; running the command again resumes it."
    })
public final class DownloadCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Option(names = "--dataset", paramLabel = "NAME", description = "CIFAR10 or CIFAR100 (default: ${DEFAULT-VALUE})")
  CifarVariant dataset = CifarVariant.CIFAR10;

  @Option(names = "--data_path", required = true, paramLabel = "DIR",
      description = "folder to create; must be absent or empty unless --overwrite (required)")
  Path dataPath;

  @Option(names = "--url", paramLabel = "URL", description = "another place to fetch the archive from (default: the authors' site)")
  URI url;

  @Option(names = "--md5", paramLabel = "HEX", description = "the archive's MD5 (default: the official archive's)")
  String md5;

  @Option(names = "--overwrite", description = "replace a non-empty --data_path once the new one is complete (default: ${DEFAULT-VALUE})")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    CifarDownload.Source official = CifarDownload.Source.official(dataset);
    CifarDownload.Source source;
    try {
      source = new CifarDownload.Source(url == null ? official.url() : url, md5 == null ? official.md5() : md5);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CifarDownload.Summary summary = CifarDownload.run(
        dataset, dataPath, source, overwrite, HttpDownload.standard(), progressLines(spec.commandLine().getErr()));
    spec.commandLine().getOut().printf("downloaded %s (%d bytes, MD5 %s) into %s: %d train + %d test images%n",
        dataset, summary.archiveBytes(), source.md5().toLowerCase(Locale.ROOT), summary.folder(),
        summary.trainImages(), summary.testImages());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * Plain lines on {@code err}: where a resumed transfer starts, then one line per 5 % of the
   * archive (per 8 MiB when its size is unknown) with the rate since the start.
   */
  static HttpDownload.Progress progressLines(PrintWriter err) {
    return new HttpDownload.Progress() {
      private long start = -1;
      private long startBytes;
      private long nextLine;

      @Override
      public void bytes(long done, long total) {
        long now = System.nanoTime();
        long step = total > 0 ? Math.max(1, total / 20) : 8L << 20;
        if (start < 0) {
          start = now;
          startBytes = done;
          nextLine = done + step;
          if (done > 0) {
            err.printf(Locale.ROOT, "download: resuming after %.1f MB%n", done / 1e6);
          }
        } else if (done >= nextLine || done == total) {
          nextLine = done + step;
          double seconds = Math.max(1e-9, (now - start) / 1e9);
          err.printf(Locale.ROOT, "download: %.1f%s MB%s, %.1f MB/s%n", done / 1e6,
              total > 0 ? String.format(Locale.ROOT, " of %.1f", total / 1e6) : "",
              total > 0 ? String.format(Locale.ROOT, " (%.0f %%)", 100.0 * done / total) : "",
              (done - startBytes) / 1e6 / seconds);
        }
        err.flush();
      }
    };
  }
}
