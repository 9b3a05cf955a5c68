"""The `seam check` job in DuckDB, for Scripts/bench: verdict counts per handoff of the gen-corpus
spec, as JSON on stdout.

  Scripts/.venv/bin/python Scripts/bench-duckdb.py CORPUS_DIR

Exact on the corpus's unambiguous faults (every key has one transaction, faults lie far from
the ends so coverage never makes them uncovered); not a general implementation of
SEMANTICS.md. Per rule with W = within, grace G = W, tolerance 0:
  a receive pairs with the send of its key in [tr - W - G, tr]: confirmed (L <= W) or late;
  a further receive of a paired key is a duplicate; a receive with no send is an orphan;
  a send with no receive in [ts, ts + W + G] is unconfirmed (anti-join);
  a pair disagrees when an agree field differs.
"""
import json
import sys

import duckdb

RULES = [
    ("orders->payments", "orders", "payments", "request_id", "payment.requested", "payment.received", 5, ["amount", "currency"]),
    ("payments->shipping", "payments", "shipping", "order_id", "payment.captured", "shipment.created", 10, ["amount"]),
    ("orders->inventory", "orders", "inventory", "reservation_id", "stock.reserve", "stock.reserved", 2, ["sku", "qty"]),
]

corpus = sys.argv[1]
con = duckdb.connect()
con.execute(f"""
    CREATE TABLE ev AS
    SELECT epoch_us(CAST(ts AS TIMESTAMPTZ)) AS t, service, event,
           request_id, order_id, reservation_id, amount, currency, sku, qty
    FROM read_ndjson('{corpus}/*.gz', columns = {{
        ts: 'VARCHAR', service: 'VARCHAR', event: 'VARCHAR', request_id: 'VARCHAR',
        order_id: 'VARCHAR', reservation_id: 'VARCHAR', amount: 'DOUBLE', currency: 'VARCHAR',
        sku: 'VARCHAR', qty: 'BIGINT'}})
    WHERE event IN ('payment.requested', 'payment.received', 'payment.captured',
                    'shipment.created', 'stock.reserve', 'stock.reserved')
""")
out = {}
for name, src, dst, key, send, receive, within, agree in RULES:
    w = within * 1_000_000
    differs = " OR ".join(f"s.{a} IS DISTINCT FROM r.{a}" for a in agree)
    cols = ", ".join(agree)
    row = con.execute(f"""
        WITH s AS (SELECT {key} AS k, t, {cols} FROM ev WHERE service = '{src}' AND event = '{send}' AND {key} IS NOT NULL),
             r AS (SELECT {key} AS k, t, {cols}, row_number() OVER (PARTITION BY {key} ORDER BY t) AS rn
                   FROM ev WHERE service = '{dst}' AND event = '{receive}' AND {key} IS NOT NULL),
             j AS (SELECT r.rn, r.t - s.t AS latency, s.t IS NOT NULL AS paired, ({differs}) AS dis
                   FROM r LEFT JOIN s ON s.k = r.k AND s.t BETWEEN r.t - {2 * w} AND r.t)
        SELECT (SELECT count(*) FROM s), (SELECT count(*) FROM r),
               count(*) FILTER (WHERE paired AND rn = 1 AND latency <= {w}),
               count(*) FILTER (WHERE paired AND rn = 1 AND latency > {w}),
               (SELECT count(*) FROM s ANTI JOIN r ON r.k = s.k AND r.t BETWEEN s.t AND s.t + {2 * w}),
               count(*) FILTER (WHERE NOT paired),
               count(*) FILTER (WHERE paired AND rn > 1),
               count(*) FILTER (WHERE paired AND rn = 1 AND dis)
        FROM j
    """).fetchone()
    out[name] = dict(zip(["sent", "received", "confirmed", "late", "unconfirmed", "orphan", "duplicate", "disagree"], row))
json.dump(out, sys.stdout, indent=2, sort_keys=True)
print()
