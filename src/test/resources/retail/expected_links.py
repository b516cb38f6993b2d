#!/usr/bin/env python3
"""Score the demo tree's hypothesis links straight from the raw invoice-line files.

This is an implementation independent of Arbor (plain Python, no Spark, no statistics library)
of the weekly node values of conf/trees/retail.conf and of the link test of docs/link-scoring.md.
It takes first differences over the 26 complete weeks before the as-of date 2011-12-09 and fits
y(t) on x(t - lag) by least squares at every lag. The smallest p-value is multiplied by the number
of lags, then Benjamini-Hochberg runs over the links. RetailDemoTest asserts the values it prints.
Run from the repository root: python3 src/test/resources/retail/expected_links.py
"""
import csv
import glob
import gzip
import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

LINKS = [  # from, to, lags, as in conf/trees/retail.conf
    ("returning_customer_share", "orders_per_customer", range(0, 3)),
    ("new_customers", "retained_customers", range(1, 2)),
    ("average_unit_price", "units_per_order", range(0, 1)),
]
LAST_WEEK = date(2011, 11, 28)  # the last week (Monday to Sunday) complete on 2011-12-09
WEEKS = [LAST_WEEK - timedelta(weeks=25 - i) for i in range(26)]

rows = set()  # exact duplicate lines count once
for path in sorted(glob.glob("data/online-retail/by-day/*.csv.gz")):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows.add(tuple(r[k] for k in ("InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice",
                                          "CustomerID", "StockCode", "Description", "Country")))

active = defaultdict(set)
orders = defaultdict(set)
units = defaultdict(Decimal)
amount = defaultdict(Decimal)
for inv, qty, ts, price, cust, *_ in rows:
    is_sale = not inv.startswith(("C", "A")) and int(qty) > 0 and Decimal(price) > 0
    if cust == "" or not is_sale:
        continue
    day = date.fromisoformat(ts[:10])  # UK wall-clock time, the tree's zone
    week = day - timedelta(days=day.weekday())
    active[week].add(cust.replace(".0", ""))
    orders[week].add(inv)
    units[week] += Decimal(qty)
    amount[week] += Decimal(qty) * Decimal(price)

values = defaultdict(dict)
seen = set()
week = min(active)
while week <= LAST_WEEK:
    now, prev = active[week], active[week - timedelta(weeks=1)]
    retained = len(now & prev)
    resurrected = len((now - prev) & seen)
    values["new_customers"][week] = len(now - seen)
    values["retained_customers"][week] = retained
    if now:  # a week without sales (Christmas 2010) has no ratios
        values["returning_customer_share"][week] = (retained + resurrected) / len(now)
        values["orders_per_customer"][week] = len(orders[week]) / len(now)
        values["units_per_order"][week] = float(units[week]) / len(orders[week])
        values["average_unit_price"][week] = float(amount[week] / units[week])
    seen |= now
    week += timedelta(weeks=1)


def incomplete_beta(x, a, b):
    """Regularized incomplete beta I_x(a, b), by its continued fraction (modified Lentz)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - incomplete_beta(1.0 - x, b, a)
    log_front = a * math.log(x) + b * math.log(1.0 - x) - math.log(a) - (
        math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return math.exp(log_front) * result


def fit(x, y, lag):
    """Least squares of y(t) on x(t - lag) on first differences: slope, R squared, p, points."""
    dx = [None] + [x[t] - x[t - 1] for t in range(1, len(x))]
    dy = [None] + [y[t] - y[t - 1] for t in range(1, len(y))]
    pairs = [(dx[t - lag], dy[t]) for t in range(lag, len(y))
             if dx[t - lag] is not None and dy[t] is not None]
    n = len(pairs)
    mx = sum(p[0] for p in pairs) / n
    my = sum(p[1] for p in pairs) / n
    sxx = sum((p[0] - mx) ** 2 for p in pairs)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in pairs)
    syy = sum((p[1] - my) ** 2 for p in pairs)
    slope = sxy / sxx
    rss = syy - slope * sxy
    t = slope / math.sqrt(rss / (n - 2) / sxx)
    p = incomplete_beta((n - 2) / (n - 2 + t * t), (n - 2) / 2.0, 0.5)
    return slope, 1.0 - rss / syy, p, n


results = []
for source, target, lags in LINKS:
    x = [values[source][w] for w in WEEKS]
    y = [values[target][w] for w in WEEKS]
    fits = [(fit(x, y, lag), lag) for lag in lags]
    (slope, r2, p, n), lag = min(fits, key=lambda f: (f[0][2], f[1]))
    results.append([source + "->" + target, lag, n, slope, r2, min(1.0, len(fits) * p)])

ranked = sorted(range(len(results)), key=lambda i: results[i][5])
q = 1.0
for rank in range(len(ranked), 0, -1):
    i = ranked[rank - 1]
    q = min(q, results[i][5] * len(ranked) / rank)
    results[i].append(q)
for link, lag, n, slope, r2, p_adjusted, q in results:
    print(f"{link}: lag={lag} points={n} slope={slope:.12g} r_squared={r2:.12g} "
          f"p_lag_adjusted={p_adjusted:.12g} q={q:.12g}")
