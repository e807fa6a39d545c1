// Renders the sink's inbox as one small HTML page for humans; all message data is escaped.
import type { SinkMessage } from './sink-store';

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

export function renderInboxPage(messages: SinkMessage[]): string {
  const rows = messages
    .map((m) => {
      // Message bodies are untrusted (templated from customer data), so they render only inside a
      // sandboxed srcdoc frame, itself escaped as an attribute value.
      const body = m.html ?? `<pre>${escapeHtml(m.text ?? '')}</pre>`;
      return `<tr>
  <td>${escapeHtml(m.receivedAt)}</td>
  <td>${escapeHtml(m.to.join(', '))}</td>
  <td>${escapeHtml(m.from)}</td>
  <td><a href="/inbox/${encodeURIComponent(m.id)}">${escapeHtml(m.subject)}</a></td>
  <td><iframe sandbox srcdoc="${escapeHtml(body)}"></iframe></td>
</tr>`;
    })
    .join('\n');
  return (
    `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Kairos sink inbox (${messages.length})</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}` +
    `iframe{width:28rem;height:8rem;border:1px solid #ccc}</style>
</head>
<body>
<h1>Inbox (${messages.length})</h1>
${
  messages.length === 0
    ? '<p>No messages yet.</p>'
    : `<table>
<tr><th>Received</th><th>To</th><th>From</th><th>Subject</th><th>Body</th></tr>
${rows}
</table>`
}
</body>
</html>
`
  );
}
