package dev.arbor.planning;

import static dev.arbor.planning.PlanningFixtures.betRow;
import static dev.arbor.planning.PlanningFixtures.retailTree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbor.period.Grain;
import dev.arbor.period.PeriodCalendar;
import dev.arbor.tree.Tree;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BetLedgerTest {
  private static final PeriodCalendar APRIL = new PeriodCalendar(ZoneId.of("UTC"), DayOfWeek.MONDAY, 4);

  @TempDir Path dir;
  private Tree tree;

  @BeforeEach
  void loadTree() {
    tree = retailTree(dir);
  }

  private List<String> problems(LedgerRow row) {
    return BetLedger.validate(List.of(row), tree, APRIL, Grain.QUARTER).get(0).problems();
  }

  @Test
  void validBetIsAccepted() {
    Bet bet = BetLedger.validate(List.of(betRow(2, "ramp_up_days", "10")), tree, APRIL, Grain.QUARTER).get(0);

    assertThat(bet.problems()).isEmpty();
    assertThat(bet.cycle().label()).isEqualTo("FY2011/12 Q1");
    assertThat(bet.cycle().end()).isEqualTo(LocalDate.of(2011, 6, 30));
    assertThat(bet.expectedChange()).isEqualTo(new ExpectedChange(ExpectedChange.Kind.RELATIVE, 0.10));
    assertThat(bet.status()).isEqualTo(BetStatus.SHIPPED);
    assertThat(bet.rampUpDays()).isEqualTo(10);
  }

  @Test
  void targetOutsideTheTreeIsRejected() {
    assertThat(problems(betRow(3, "target_node", "aovv")))
        .containsExactly("target_node 'aovv' is not a node of tree t (did you mean 'aov'?)");
  }

  @Test
  void unmeasurableExpectedChangeIsRejected() {
    assertThat(problems(betRow(4, "expected_change", "more"))).containsExactly(
        "invalid expected_change 'more'; write a relative change such as +5% or an absolute one such as +1200");
    assertThat(problems(betRow(5, "expected_change", ""))).containsExactly(
        "missing expected_change; write a relative change such as +5% or an absolute one such as +1200");
    assertThat(problems(betRow(6, "expected_change", "+0%"))).containsExactly(
        "expected_change '+0%' is zero, so the bet has nothing to measure; state the change you expect");
  }

  @Test
  void everyInvalidFieldIsListed() {
    List<String> problems = problems(betRow(7,
        "cycle", "2011-05-01", "start_date", "2011-13-01", "end_date", "2011-03-01",
        "ramp_up_days", "two", "effort", "0", "confidence", "1.5", "status", "paused",
        "leading_indicator", "aov", "team", ""));

    assertThat(problems).containsExactly(
        "missing team",
        "cycle 2011-05-01 is not the first day of a quarter; the quarter containing it starts 2011-04-01",
        "invalid start_date '2011-13-01'; expected a date such as 2011-04-01",
        "invalid ramp_up_days 'two'; expected a whole number of days",
        "invalid effort 0; expected a number greater than 0",
        "invalid confidence 1.5; expected 0 to 1",
        "invalid status 'paused'; expected proposed, funded, running, shipped or killed",
        "leading_indicator is the target node itself; name a node that moves first, or leave it empty");
  }

  @Test
  void datesMustBeOrderedAndStartInTheCycle() {
    assertThat(problems(betRow(8, "start_date", "2011-06-01", "end_date", "2011-05-01")))
        .containsExactly("end_date 2011-05-01 is before start_date 2011-06-01");
    assertThat(problems(betRow(9, "start_date", "2011-07-01", "end_date", "2011-08-01")))
        .containsExactly("start_date 2011-07-01 is outside its cycle FY2011/12 Q1 (2011-04-01 to 2011-06-30)");
  }

  @Test
  void duplicateIdAndUnknownIndicatorAreRejected() {
    List<Bet> bets = BetLedger.validate(
        List.of(betRow(2, "bet_id", "B1"), betRow(3, "bet_id", "B1", "leading_indicator", "clicks")),
        tree, APRIL, Grain.QUARTER);

    assertThat(bets.get(0).problems()).isEmpty();
    assertThat(bets.get(1).problems()).containsExactly(
        "duplicate bet_id 'B1'; each bet needs its own id",
        "leading_indicator 'clicks' is not a node of tree t");
  }

  @Test
  void expectedChangeParsesRelativeAndAbsolute() {
    assertThat(ExpectedChange.parse("-2.5%")).isEqualTo(new ExpectedChange(ExpectedChange.Kind.RELATIVE, -0.025));
    assertThat(ExpectedChange.parse("+1,200")).isEqualTo(new ExpectedChange(ExpectedChange.Kind.ABSOLUTE, 1200.0));
    assertThat(ExpectedChange.parse("0.3").amount(null)).isEqualTo(0.3);
    assertThat(ExpectedChange.parse("+5%").amount(200.0)).isEqualTo(10.0);
  }

  @Test
  void rampUpRisesLinearly() {
    Bet bet = BetLedger.validate(List.of(betRow(2, "start_date", "2011-04-01",
        "end_date", "2011-04-30", "ramp_up_days", "4")), tree, APRIL, Grain.QUARTER).get(0);

    // Days 1..4 of the ramp give 1/4, 2/4, 3/4, 1; April has 30 days and the bet covers all:
    // mean = (0.25 + 0.5 + 0.75 + 27 * 1) / 30 = 28.5 / 30 = 0.95.
    assertThat(bet.effectOn(LocalDate.of(2011, 4, 1))).isEqualTo(0.25);
    assertThat(bet.effectOn(LocalDate.of(2011, 4, 4))).isEqualTo(1.0);
    assertThat(bet.effectOn(LocalDate.of(2011, 5, 1))).isEqualTo(0.0);
    assertThat(bet.meanEffect(LocalDate.of(2011, 4, 1), LocalDate.of(2011, 4, 30))).isEqualTo(0.95);
  }

  @Test
  void csvKeepsLineNumbersAndQuotedCommas() {
    String text = "# comment\nbet_id,title,hypothesis\nB1,\"Bundles, big\",\"We believe \"\"x\"\"\nwill\"\n\nB2,Short,h\n";

    List<LedgerRow> rows = LedgerCsv.parse("bets.csv", text);

    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).line()).isEqualTo(3);
    assertThat(rows.get(0).get("title")).isEqualTo("Bundles, big");
    assertThat(rows.get(0).get("hypothesis")).isEqualTo("We believe \"x\"\nwill");
    assertThat(rows.get(1).line()).isEqualTo(6);
    assertThat(rows.get(1).where()).isEqualTo("bets.csv:6");
  }

  @Test
  void csvWithTooManyFieldsNamesTheLine() {
    assertThatThrownBy(() -> LedgerCsv.parse("bets.csv", "a,b\n1,2\n1,2,3\n"))
        .hasMessage("bets.csv:3: 3 fields but the header has 2; quote fields that contain commas");
    assertThatThrownBy(() -> LedgerCsv.parse("bets.csv", "a,b\n\"1,2\n"))
        .hasMessage("bets.csv:2: a quoted field is not closed before the end of the file");
  }

  @Test
  void annotationsAreValidatedLikeBets() {
    LedgerRow good = new LedgerRow("notes.csv", 2, java.util.Map.of("annotation_id", "N1",
        "date", "2011-04-04", "kind", "Launch", "text", "Campaign", "nodes", "new_users; aov"));
    LedgerRow bad = new LedgerRow("notes.csv", 3, java.util.Map.of("annotation_id", "N1",
        "date", "soon", "kind", "rumour", "text", "", "nodes", "clicks"));

    List<Annotation> annotations = Annotation.validate(List.of(good, bad), tree.nodes().keySet());

    assertThat(annotations.get(0).problems()).isEmpty();
    assertThat(annotations.get(0).nodes()).containsExactly("new_users", "aov");
    assertThat(annotations.get(0).describe()).isEqualTo("2011-04-04 launch: Campaign");
    assertThat(annotations.get(1).problems()).containsExactly(
        "duplicate annotation_id 'N1'",
        "invalid date 'soon'; expected a date such as 2011-04-01",
        "invalid kind 'rumour'; expected one of launch, experiment, external, decision",
        "missing text",
        "node 'clicks' is not a node of the tree");
  }
}
