package dev.arbor.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.arbor.tree.Link;
import dev.arbor.tree.Measure;
import dev.arbor.tree.Node;
import dev.arbor.tree.Tree;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The normalized form of a tree definition and its version hash.
 *
 * <p>The JSON has sorted keys and includes the sources the tree reads and the settings that change
 * its numbers (calendar, grains), so any change that can change a value changes the version.
 * Display-only text (names, descriptions, owners) is included too: the catalog shows it.
 */
public record TreeDefinition(String json, String version) {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  public static TreeDefinition of(Tree tree, TreeSettings settings, Map<String, SourceDef> sources) {
    Map<String, Object> root = new TreeMap<>();
    root.put("id", tree.id());
    root.put("name", tree.name());
    root.put("north_star", tree.northStar());
    root.put("dimensions", tree.dimensions());
    Map<String, Object> calendar = new TreeMap<>();
    calendar.put("time_zone", settings.calendar().timeZone().getId());
    calendar.put("week_start", settings.calendar().weekStart().name());
    calendar.put("fiscal_year_start_month", settings.calendar().fiscalYearStartMonth());
    calendar.put("grains", settings.grains().stream().map(g -> g.key()).toList());
    root.put("calendar", calendar);

    Map<String, Object> nodes = new TreeMap<>();
    for (Node node : tree.nodes().values()) {
      Map<String, Object> entry = new TreeMap<>();
      entry.put("name", node.name());
      entry.put("unit", node.unit().name().toLowerCase(Locale.ROOT));
      entry.put("owner", node.owner());
      entry.put("description", node.description());
      entry.put("kind", kind(node));
      entry.put("definition", describeValue(node));
      entry.put("formula", node.formulaText());
      nodes.put(node.id(), entry);
    }
    root.put("nodes", nodes);

    List<Map<String, Object>> links = new ArrayList<>();
    for (Link link : tree.links()) {
      Map<String, Object> entry = new TreeMap<>();
      entry.put("from", link.from());
      entry.put("to", link.to());
      entry.put("kind", link.kind().name().toLowerCase(Locale.ROOT));
      entry.put("expected_sign", link.expectedSign().name().toLowerCase(Locale.ROOT));
      entry.put("lag", link.lagMin() + ".." + link.lagMax());
      links.add(entry);
    }
    root.put("links", links);

    Map<String, Object> usedSources = new TreeMap<>();
    for (Node node : tree.nodes().values()) {
      String sourceId = node.measure() != null ? node.measure().source()
          : node.lifecycle() != null ? node.lifecycle().source() : null;
      if (sourceId != null) {
        SourceDef source = sources.get(sourceId);
        Map<String, Object> entry = new TreeMap<>();
        entry.put("table", source.table().format() + ":" + source.table().location());
        entry.put("schema", new TreeMap<>(source.schema()));
        entry.put("derived", new TreeMap<>(source.derived()));
        entry.put("filter", source.filter());
        entry.put("entity_id", source.entityId());
        entry.put("event_time", source.eventTime());
        entry.put("event_id", source.eventId());
        usedSources.put(sourceId, entry);
      }
    }
    root.put("sources", usedSources);

    try {
      String json = JSON.writeValueAsString(root);
      return new TreeDefinition(json, sha256(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize tree " + tree.id(), e);
    }
  }

  /** Returns measure, lifecycle or formula. */
  public static String kind(Node node) {
    return node.measure() != null ? "measure" : node.lifecycle() != null ? "lifecycle" : "formula";
  }

  /** Returns a one-line description of how the node's value is obtained, for the catalog. */
  public static String describeValue(Node node) {
    if (node.measure() != null) {
      return describe(node.measure());
    }
    if (node.lifecycle() != null) {
      return "lifecycle " + node.lifecycle().kind().name().toLowerCase(Locale.ROOT) + " entities of "
          + node.lifecycle().source() + (node.lifecycle().filter() == null ? "" : " where " + node.lifecycle().filter());
    }
    return "formula " + node.formulaText();
  }

  private static String describe(Measure measure) {
    String agg = measure.aggregation().name().toLowerCase(Locale.ROOT);
    String where = measure.filter() == null ? "" : " where " + measure.filter();
    if (measure.numerator() != null) {
      return "ratio of (" + describe(measure.numerator()) + ") to (" + describe(measure.denominator()) + ")";
    }
    String of = measure.expression() == null ? "" : "(" + measure.expression() + ")";
    return agg + of + " of " + measure.source() + where;
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
