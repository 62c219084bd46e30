package dev.ekg.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * An HTTP server on the loopback interface serving one archive at {@code /NAME}, honouring
 * {@code Range: bytes=N-}, for the download tests. It records each request's Range header and can
 * break off its next response or ignore ranges, as real servers sometimes do.
 */
public final class ArchiveServer implements AutoCloseable {
  public static final String NAME = "cifar-10-binary.tar.gz";

  private final HttpServer server;
  private final byte[] body;
  private final List<String> ranges = new ArrayList<>();
  private volatile int dropNextAfter = -1;
  private volatile boolean ignoreRanges;

  private ArchiveServer(byte[] body) throws IOException {
    this.body = body;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public static ArchiveServer serving(byte[] body) throws IOException {
    return new ArchiveServer(body);
  }

  public URI url() {
    return url(NAME);
  }

  public URI url(String name) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name);
  }

  /** The next response announces the whole length but closes the connection after {@code bytes} bytes. */
  public void dropNextAfter(int bytes) {
    dropNextAfter = bytes;
  }

  /** Answer every request with the whole archive (200), Range or not. */
  public void ignoreRanges() {
    ignoreRanges = true;
  }

  /** Each request's Range header so far ("" when it had none). */
  public synchronized List<String> ranges() {
    return List.copyOf(ranges);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Range");
    synchronized (this) {
      ranges.add(range == null ? "" : range);
    }
    if (!exchange.getRequestURI().getPath().equals("/" + NAME)) {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
      return;
    }
    int from = range == null || ignoreRanges ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
    if (from >= body.length && from > 0) {
      exchange.getResponseHeaders().set("Content-Range", "bytes */" + body.length);
      exchange.sendResponseHeaders(416, -1);
      exchange.close();
      return;
    }
    if (from > 0) {
      exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
      exchange.sendResponseHeaders(206, body.length - from);
    } else {
      exchange.sendResponseHeaders(200, body.length);
    }
    int drop = dropNextAfter;
    dropNextAfter = -1;
    OutputStream out = exchange.getResponseBody();
    out.write(body, from, drop >= 0 ? drop : body.length - from);
    out.flush();
    exchange.close(); // with bytes missing, this closes the connection
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** A tar.gz of {@code entries}, name → content, in order; a name ending in "/" is a folder. */
  public static byte[] tarGz(Map<String, byte[]> entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true);
        entry.setSize(e.getValue().length);
        tar.putArchiveEntry(entry);
        tar.write(e.getValue());
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A small CIFAR-10 binary archive: {@code cifar-10-batches-bin/} with 10 training and 10 test images. */
  public static byte[] cifar10Archive(Path work) throws IOException {
    Path data = work.resolve("archive-content");
    new SyntheticCifar(CifarVariant.CIFAR10, 1, 1, 5, SyntheticCifar.DEFAULT_NOISE).write(data, false);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("cifar-10-batches-bin/", new byte[0]);
    for (String name : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
        "data_batch_5.bin", "test_batch.bin")) {
      entries.put("cifar-10-batches-bin/" + name, Files.readAllBytes(data.resolve(name)));
    }
    entries.put("cifar-10-batches-bin/batches.meta.txt", "airplane\n".getBytes());
    return tarGz(entries);
  }

  public static String md5(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
