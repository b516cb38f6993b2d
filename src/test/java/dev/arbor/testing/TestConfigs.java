package dev.arbor.testing;

import dev.arbor.config.ArborConfig;
import dev.arbor.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes HOCON text to a file and loads it, so that tests go through the real loader. */
public final class TestConfigs {
  private TestConfigs() {}

  public static Path write(Path dir, String name, String hocon) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, hocon);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ArborConfig load(Path dir, String hocon) {
    return ConfigLoader.load(write(dir, "arbor.conf", hocon));
  }

  /**
   * Returns a source named {@code events} over a Delta table at {@code events} under the
   * warehouse, with columns user_id, event_time, event_id, event_name, amount and country.
   */
  public static String eventsSource(String extra) {
    return """
        arbor.sources.events {
          table { format = delta, path = "events" }
          schema {
            user_id = string
            event_time = timestamp
            event_id = string
            event_name = string
            amount = "decimal(12,2)"
            country = string
          }
          entity-id = user_id
          event-time = event_time
          %s
        }
        """.formatted(extra);
  }
}
