/**
 * A minimal live view of recent runs, served at `/`. The full dashboard is its own piece of
 * work; this page only reads the public REST API, so it shows nothing the API does not.
 */
export const dashboardHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry dev server</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#1d2330}
table{border-collapse:collapse;width:100%}td,th{padding:.35rem .6rem;border-bottom:1px solid #e3e6ee;text-align:left}
.Completed{color:#17803d}.Failed{color:#b42318}.Cancelled{color:#7a7f8c}.Running{color:#2754c5}
code{font-size:12px}
</style></head>
<body><h1>Ferry dev server</h1>
<p>REST API: <a href="/v1/runs">/v1/runs</a> · <a href="/v1/functions">/v1/functions</a> · <a href="/v1/events">/v1/events</a> · <a href="/v1/apps">/v1/apps</a></p>
<h2>Recent runs</h2>
<table><thead><tr><th>run</th><th>function</th><th>status</th><th>waiting</th><th>started</th></tr></thead><tbody id="runs"></tbody></table>
<script>
// Rows are built with textContent: names come from app registrations and must not become markup.
function cell(text, className) { const td = document.createElement('td'); td.textContent = text; if (className) td.className = className; return td; }
async function refresh(){
  const res = await fetch('/v1/runs?limit=50'); const {data} = await res.json();
  const body = document.getElementById('runs'); body.replaceChildren();
  for (const r of data) {
    const tr = document.createElement('tr');
    const link = document.createElement('a'); link.href = '/v1/runs/' + encodeURIComponent(r.run_id);
    const code = document.createElement('code'); code.textContent = r.run_id; link.append(code);
    const first = document.createElement('td'); first.append(link);
    tr.append(first, cell(r.function_id), cell(r.status, r.status), cell(r.waiting ? r.waiting.type : ''), cell(r.run_started_at || ''));
    body.append(tr);
  }
}
refresh(); setInterval(refresh, 2000);
</script></body></html>`;
