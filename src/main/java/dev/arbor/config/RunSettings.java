package dev.arbor.config;

import java.time.Duration;

/**
 * How nightly runs recompute and how concurrent runs of one tree are kept apart ({@code
 * arbor.runs}).
 *
 * @param incremental whether a run recomputes only the periods that changed events can affect;
 *     false makes every run a full recompute
 * @param restatementDays days before the as-of date that every run recomputes, whatever changed,
 *     so that late events reach them even from sources without a change feed
 * @param lockTimeout how long a lease on a tree lasts without renewal; a run that died holding it
 *     blocks the tree at most this long
 * @param lockWait how long a run waits for another run of the same tree to finish before it fails
 */
public record RunSettings(
    boolean incremental, int restatementDays, Duration lockTimeout, Duration lockWait) {}
