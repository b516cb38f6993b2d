#!/usr/bin/env python3
"""Compute reference values of the demo tree straight from the raw invoice-line files.

This is an implementation independent of Arbor (plain Python, no Spark) of the rules in
conf/sources/online_retail.conf and conf/trees/retail.conf. RetailDemoTest asserts the values it
prints. Run from the repository root: python3 src/test/resources/retail/expected_values.py
"""
import csv
import glob
import gzip
from collections import defaultdict
from decimal import Decimal

rows = set()  # exact duplicate lines count once
for path in sorted(glob.glob("data/online-retail/by-day/*.csv.gz")):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows.add(tuple(r[k] for k in ("InvoiceNo", "StockCode", "Description", "Quantity",
                                          "InvoiceDate", "UnitPrice", "CustomerID", "Country")))

def month(ts):  # UK wall-clock time; months do not move between GMT and BST at midnight
    return ts[:7]

revenue = defaultdict(Decimal)
gross = defaultdict(Decimal)
returns = defaultdict(Decimal)
orders = defaultdict(set)
active = defaultdict(set)
for inv, stock, desc, qty, ts, price, cust, country in rows:
    if cust == "":
        continue
    amount = Decimal(qty) * Decimal(price)
    m = month(ts)
    revenue[m] += amount
    is_cancel = inv.startswith("C")
    is_sale = not is_cancel and not inv.startswith("A") and int(qty) > 0 and Decimal(price) > 0
    if is_cancel:
        returns[m] -= amount
    if is_sale:
        gross[m] += amount
        orders[m].add(inv)
        active[m].add(cust.replace(".0", ""))

months = sorted(active)
seen = set()
for i, m in enumerate(months):
    prev = active[months[i - 1]] if i > 0 else set()
    new = active[m] - seen
    retained = active[m] & prev
    resurrected = (active[m] - prev) & seen
    print(f"{m}: revenue={revenue[m]} gross={gross[m]} returns={returns[m]} orders={len(orders[m])} "
          f"active={len(active[m])} new={len(new)} retained={len(retained)} "
          f"resurrected={len(resurrected)} churned={len(prev - active[m])}")
    seen |= active[m]
