"""report.html for `linker dedupe`: cluster counts, sizes and examples with their evidence.

Self-contained and escaped like the match report: Jinja2 autoescape, no script, a CSP that forbids
every network load.
"""

from __future__ import annotations

import jinja2

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Duplicates in {{ r.input.path }}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#1b1b1b}
h1{font-size:1.5rem} .cards{display:flex;flex-wrap:wrap;gap:.8rem}
.card{border:1px solid #ccc;border-radius:8px;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.6rem} table{border-collapse:collapse;width:100%;margin:.5rem 0 1.2rem}
td,th{border-bottom:1px solid #e3e3e3;padding:.25rem .4rem;text-align:left;font-size:.9rem}
.scroll{overflow-x:auto} svg text{font-size:11px}
</style></head><body>
<h1>Duplicates in {{ r.input.path }}</h1>
<div class="cards">
<div class="card"><b>{{ r.counts.rows }}</b>rows</div>
<div class="card"><b>{{ r.counts.entities }}</b>distinct people (estimated)</div>
<div class="card"><b>{{ r.counts.clusters }}</b>people listed more than once</div>
<div class="card"><b>{{ r.counts.rows_in_clusters }}</b>rows in such groups</div>
<div class="card"><b>{{ r.largest_cluster.size }}</b>rows in the largest group ({{ r.largest_cluster.cluster_id }})</div>
</div>
<h2>Cluster sizes</h2>
{% set mx = r.cluster_sizes.values()|max if r.cluster_sizes else 1 %}
<svg role="img" aria-label="cluster sizes" width="100%" height="{{ 24 * (r.cluster_sizes|length) + 10 }}" viewBox="0 0 600 {{ 24 * (r.cluster_sizes|length) + 10 }}">
{% for size, count in r.cluster_sizes.items() %}
<text x="0" y="{{ 24 * loop.index0 + 16 }}">size {{ size }}</text>
<rect x="70" y="{{ 24 * loop.index0 + 4 }}" height="16" width="{{ 5 + 420 * count / mx }}" fill="#4a78b5"></rect>
<text x="{{ 80 + 420 * count / mx }}" y="{{ 24 * loop.index0 + 16 }}">{{ count }}</text>
{% endfor %}
</svg>
<h2>Examples</h2>
{% for ex in r.examples %}
<div class="scroll"><table><caption>cluster {{ ex.cluster_id }}</caption>
<tr>{% for k in ex.members[0].keys() %}<th>{{ k }}</th>{% endfor %}</tr>
{% for row in ex.members %}<tr>{% for v in row.values() %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}
</table></div>
{% else %}<p>No duplicates found.</p>{% endfor %}
<h2>Method</h2>
<p>Pairs proposed by blocking: {{ r.blocking.total_pairs }}; threshold {{ r.threshold }}.</p>
{% if r.get('household_guards') %}<p><strong>Households:</strong> {{ r.household_guards.note }}.</p>{% endif %}
{% for note in r.get('warnings') or [] %}<p><strong>Ids:</strong> {{ note }}.</p>{% endfor %}
<div class="scroll"><table><tr><th>comparison</th><th>level</th><th>m</th><th>u</th><th>weight</th></tr>
{% for c in r.model.comparisons %}{% for label in c.labels %}
<tr><td>{{ c.field }}</td><td>{{ label }}</td><td>{{ '%.4f'|format(c.m[loop.index0]) }}</td>
<td>{{ '%.6f'|format(c.u[loop.index0]) }}</td><td>{{ '%.2f'|format(c.weight[loop.index0]) }}</td></tr>
{% endfor %}{% endfor %}</table></div>
</body></html>
"""


def render_dedupe_html(report: dict) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_TEMPLATE).render(r=report)
