package dev.ekg.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches one URL into a partial file, continuing what an interrupted transfer left there with an
 * HTTP range request.
 */
public final class HttpDownload {
  /** Told after every chunk how many bytes the file has so far and its size (-1 when the server does not say). */
  @FunctionalInterface
  public interface Progress {
    void bytes(long done, long total);
  }

  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");
  private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes \\*/(\\d+)");

  private final HttpClient client;

  public HttpDownload(HttpClient client) {
    this.client = client;
  }

  /** A client that follows redirects (never from https to http). */
  public static HttpDownload standard() {
    return new HttpDownload(HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(30))
        .build());
  }

  /**
   * Fetches {@code url} into {@code part}. What {@code part} already holds is kept and the rest
   * asked for with {@code Range: bytes=N-}; a server that answers with the whole file instead (200,
   * or a range that does not start at N) starts it over.
   *
   * @return the size of the complete file
   * @throws IOException when the server refuses or the transfer breaks off; {@code part} then keeps
   *     every byte that arrived, so calling again continues from there
   */
  public long fetch(URI url, Path part, Progress progress) throws IOException {
    long have = Files.isRegularFile(part) ? Files.size(part) : 0;
    HttpRequest.Builder request = HttpRequest.newBuilder(url).GET();
    if (have > 0) {
      request.header("Range", "bytes=" + have + "-");
    }
    HttpResponse<InputStream> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(url + ": interrupted");
    } catch (IOException e) {
      throw new IOException(url + ": the request failed (" + why(e) + ")", e);
    }
    int status = response.statusCode();
    String range = response.headers().firstValue("Content-Range").orElse("");
    if (have > 0 && status == 206) {
      Matcher m = CONTENT_RANGE.matcher(range);
      if (m.matches() && Long.parseLong(m.group(1)) == have) {
        return copy(url, response, part, have, m.group(2).equals("*") ? -1 : Long.parseLong(m.group(2)), progress);
      }
      return startOver(url, response, part, progress);
    }
    if (have > 0 && status == 416) { // nothing after byte N: complete if the file has N bytes
      Matcher m = UNSATISFIED_RANGE.matcher(range);
      if (m.matches() && Long.parseLong(m.group(1)) == have) {
        response.body().close();
        progress.bytes(have, have);
        return have;
      }
      return startOver(url, response, part, progress);
    }
    if (status == 200) {
      return copy(url, response, part, 0, response.headers().firstValueAsLong("Content-Length").orElse(-1), progress);
    }
    response.body().close();
    throw new IOException(url + ": HTTP status " + status + ", expected 200" + (have > 0 ? " or 206" : ""));
  }

  private long startOver(URI url, HttpResponse<InputStream> response, Path part, Progress progress) throws IOException {
    response.body().close();
    Files.delete(part);
    return fetch(url, part, progress);
  }

  /** Writes the body after the first {@code from} bytes of {@code part} (all of it when 0). */
  private static long copy(URI url, HttpResponse<InputStream> response, Path part, long from, long total,
      Progress progress) throws IOException {
    long done = from;
    try (InputStream body = response.body();
        OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            from > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
      progress.bytes(done, total);
      byte[] buffer = new byte[1 << 16];
      while (true) {
        int n;
        try {
          n = body.read(buffer);
        } catch (IOException e) {
          throw brokenOff(url, part, done, total, why(e));
        }
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
        done += n;
        progress.bytes(done, total);
      }
    }
    if (total >= 0 && done != total) {
      throw brokenOff(url, part, done, total, "the connection closed");
    }
    return done;
  }

  /** The exception's message, or its type where it has none (a refused connection has none). */
  private static String why(IOException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static IOException brokenOff(URI url, Path part, long done, long total, String why) {
    return new IOException(url + ": the transfer broke off after " + done + " of "
        + (total >= 0 ? total + " bytes" : "the bytes") + " (" + why + "); " + part
        + " keeps them: run the command again to resume");
  }
}
