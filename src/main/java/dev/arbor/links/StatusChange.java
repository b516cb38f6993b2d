package dev.arbor.links;

import dev.arbor.stats.EvaluationStatus;
import dev.arbor.stats.LinkTransition;

/**
 * A change of a link's lifecycle status in one run, with the evidence behind it: one row of
 * link_status_history.
 *
 * @param transition from and to status, the lifecycle date (the fitted window's end, or the run's
 *     as-of date for hardening and pruning) and the reason
 * @param evaluationStatus verdict of the run, or null for hardening and pruning
 * @param qValue q-value of the fit, or null
 * @param slope slope at the chosen lag, or null
 * @param rSquared R squared at the chosen lag, or null
 * @param lag chosen lag, or null
 * @param confidence confidence score, or null when the link was not evaluated
 */
public record StatusChange(
    String linkId,
    String fromNode,
    String toNode,
    String grain,
    LinkTransition transition,
    EvaluationStatus evaluationStatus,
    Double qValue,
    Double slope,
    Double rSquared,
    Integer lag,
    Double confidence,
    String ownerTeam) {}
