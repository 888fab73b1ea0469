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
async function refresh(){
  const res = await fetch('/v1/runs?limit=50'); const {data} = await res.json();
  const rows = data.map(r => '<tr><td><a href="/v1/runs/'+r.run_id+'"><code>'+r.run_id+'</code></a></td><td>'+r.function_id+
    '</td><td class="'+r.status+'">'+r.status+'</td><td>'+(r.waiting ? r.waiting.type : '')+'</td><td>'+(r.run_started_at||'')+'</td></tr>');
  document.getElementById('runs').innerHTML = rows.join('');
}
refresh(); setInterval(refresh, 2000);
</script></body></html>`;
