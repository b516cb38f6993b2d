package dev.arbor.config;

import dev.arbor.tree.Tree;
import java.nio.file.Path;
import java.util.Map;

/**
 * Validated Arbor config: sources, trees and settings.
 *
 * @param file the top-level config file
 * @param runs how runs recompute and keep concurrent runs of a tree apart
 * @param sparkMaster master used when spark-submit did not set one
 * @param sparkConf extra Spark settings applied when the session is created
 */
public record ArborConfig(
    Path file,
    WarehouseSettings warehouse,
    Map<String, SourceDef> sources,
    Map<String, Tree> trees,
    Map<String, TreeSettings> treeSettings,
    RunSettings runs,
    String sparkMaster,
    Map<String, String> sparkConf) {

  public ArborConfig withWarehouse(WarehouseSettings settings) {
    return new ArborConfig(file, settings, sources, trees, treeSettings, runs, sparkMaster, sparkConf);
  }

  public ArborConfig withRuns(RunSettings settings) {
    return new ArborConfig(file, warehouse, sources, trees, treeSettings, settings, sparkMaster, sparkConf);
  }

  /** Returns the tree with {@code id}, or the only tree when {@code id} is null. */
  public Tree tree(String id) {
    if (id == null) {
      if (trees.size() != 1) {
        throw dev.arbor.ArborException.usage(
            "Cannot choose a tree: the config defines " + trees.keySet() + "; pass --tree ID");
      }
      return trees.values().iterator().next();
    }
    Tree tree = trees.get(id);
    if (tree == null) {
      throw dev.arbor.ArborException.usage(
          "Unknown tree: " + id + " (the config defines " + trees.keySet() + ")");
    }
    return tree;
  }

  public TreeSettings settings(String treeId) {
    return treeSettings.get(treeId);
  }
}
