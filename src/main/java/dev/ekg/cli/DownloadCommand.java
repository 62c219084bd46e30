package dev.ekg.cli;

import dev.ekg.data.CifarDownload;
import dev.ekg.data.CifarVariant;
import dev.ekg.io.HttpDownload;
import dev.ekg.progress.Progress;
import dev.ekg.progress.ProgressReporter;
import dev.ekg.progress.ProgressUnit;
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
        dataset, dataPath, source, overwrite, HttpDownload.standard(), progress(ProgressReporter.forStderr(spec.commandLine().getErr()), "download " + source.url().getPath().replaceAll(".*/", "")));
    spec.commandLine().getOut().printf("downloaded %s (%d bytes, MD5 %s) into %s: %d train + %d test images%n",
        dataset, summary.archiveBytes(), source.md5().toLowerCase(Locale.ROOT), summary.folder(),
        summary.trainImages(), summary.testImages());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * The transfer as one progress task of the command's reporter (a bar on a terminal, paced lines
   * elsewhere), started at the first chunk: a resumed transfer starts from the bytes it kept. A
   * server that does not say the size gets no progress display.
   */
  static HttpDownload.Progress progress(ProgressReporter reporter, String name) {
    return new HttpDownload.Progress() {
      private Progress task;

      @Override
      public void bytes(long done, long total) {
        if (task == null && total > 0) {
          if (done > 0) {
            reporter.println(String.format(Locale.ROOT, "download: resuming after %.1f MB", done / 1e6));
          }
          task = reporter.start(name, total, ProgressUnit.BYTES, done);
        }
        if (task != null) {
          task.advanceTo(done);
          if (done >= total) {
            task.close();
          }
        }
      }
    };
  }
}
