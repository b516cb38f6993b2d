package dev.arbor.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The BI views of sql/views, with their table placeholders filled for a warehouse. Each file contains
 * one CREATE OR REPLACE VIEW statement. In it, {@code ${table_name}} is replaced by an output
 * table and {@code ${view_prefix}} by the view's database or name prefix.
 */
public final class BiViews {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

  private BiViews() {}

  /** Returns view file name (without .sql) to its statement, with placeholders filled. */
  public static Map<String, String> statements(TableLocator locator, boolean temporary) {
    Map<String, String> statements = new LinkedHashMap<>();
    for (Map.Entry<String, String> view : readAll().entrySet()) {
      String prefix = locator.warehouse().usesCatalog() && !temporary
          ? locator.warehouse().catalogDatabase() + "."
          : "arbor_";
      Matcher matcher = PLACEHOLDER.matcher(stripComments(view.getValue()));
      StringBuilder sql = new StringBuilder();
      while (matcher.find()) {
        String name = matcher.group(1);
        String replacement = name.equals("view_prefix") ? prefix : locator.sqlName(name);
        matcher.appendReplacement(sql, Matcher.quoteReplacement(replacement));
      }
      matcher.appendTail(sql);
      String statement = sql.toString().trim();
      if (temporary) {
        statement = statement.replaceFirst("CREATE OR REPLACE VIEW", "CREATE OR REPLACE TEMPORARY VIEW");
      }
      statements.put(view.getKey(), statement);
    }
    return statements;
  }

  /**
   * Creates every view whose tables exist, as temporary views when {@code temporary} (for a folder
   * warehouse). Views over tables that no run has written yet, such as link_scores in a warehouse
   * without hypothesis links, are left out, because Spark cannot analyze them.
   */
  public static List<String> create(SparkSession spark, TableLocator locator, boolean temporary) {
    Map<String, String> sources = readAll();
    List<String> created = new ArrayList<>();
    for (Map.Entry<String, String> view : statements(locator, temporary).entrySet()) {
      if (tablesExist(sources.get(view.getKey()), locator)) {
        spark.sql(view.getValue());
        created.add(view.getKey());
      }
    }
    return created;
  }

  private static boolean tablesExist(String sql, TableLocator locator) {
    Matcher matcher = PLACEHOLDER.matcher(stripComments(sql));
    while (matcher.find()) {
      String name = matcher.group(1);
      if (!name.equals("view_prefix") && !locator.exists(name)) {
        return false;
      }
    }
    return true;
  }

  private static String stripComments(String sql) {
    StringBuilder out = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.stripLeading().startsWith("--")) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static Map<String, String> readAll() {
    URL url = BiViews.class.getResource("/sql/views");
    if (url == null) {
      throw new IllegalStateException("Missing resource folder /sql/views");
    }
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        FileSystem fs;
        try {
          fs = FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
          fs = FileSystems.newFileSystem(uri, Map.of());
        }
        return readFolder(fs.getPath("/sql/views"));
      }
      return readFolder(Path.of(uri));
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("Cannot list /sql/views", e);
    }
  }

  private static Map<String, String> readFolder(Path folder) throws IOException {
    Map<String, String> views = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".sql")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          String name = file.getFileName().toString().replaceFirst("\\.sql$", "");
          views.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return views;
  }
}
