package dev.arbor.tree;

/**
 * A lifecycle measure: counts the source's entities (its entity-id column) by activity state.
 *
 * @param filter Spark SQL predicate selecting the events that make an entity active, or null
 */
public record Lifecycle(String source, LifecycleKind kind, String filter) {}
