// Accounts (circuit breakers), recent alerts and a hedge's recent actions.

import { DASH, age, el } from "./format.js";

// Why the notifier did not push an alert (its throttle's verdicts).
const HELD_BACK = {
  filtered: "not pushed: below notify.min_severity",
  duplicate: "not pushed: a repeat within the dedup window",
  rate_limited: "not pushed: rate limit",
};

/** The accounts table from /status `accounts`. */
export function accountsTable(accounts) {
  const names = Object.keys(accounts || {}).sort();
  if (!names.length) return el("p", { class: "empty", text: "No account has been read yet." });
  const rows = names.map((name) => {
    const a = accounts[name] || {};
    const breaker = a.breaker || "closed";
    return el("tr", { "data-account": name },
      el("th", { scope: "row", text: name }),
      el("td", { text: `${a.exchange || DASH} · ${a.mode || DASH}` }),
      el("td", {}, el("span", { class: `badge breaker-${breaker}`, "data-field": "breaker", text: breaker })),
      el("td", { class: "num col-failures", "data-field": "failures", text: a.consecutive_failures ?? 0 }),
      el("td", { class: "error-text", "data-field": "last_error", text: a.last_error || DASH }));
  });
  const head = el("tr", {}, ...["Account", "Venue", "Breaker", "Failures", "Last error"]
    .map((h) => el("th", { scope: "col", class: h === "Failures" ? "col-failures" : null, text: h })));
  return el("div", { class: "table-wrap" },
    el("table", { class: "accounts" }, el("thead", {}, head), el("tbody", {}, ...rows)));
}

/** The recent-alerts list from /alerts. */
export function alertsList(doc) {
  const alerts = (doc && doc.alerts) || [];
  if (!alerts.length) {
    const text = doc && doc.recorded === false
      ? "This daemon keeps no alert feed."
      : "No alerts since the daemon started.";
    return el("p", { class: "empty", text });
  }
  return el("ul", { class: "alerts" }, ...alerts.map((a) => el("li", { class: `alert sev-${a.severity}` },
    el("div", { class: "alert-head" },
      el("span", { class: `badge sev-${a.severity}`, text: a.severity }),
      el("b", { text: a.title }),
      a.count > 1 ? el("span", { class: "muted", text: ` ×${a.count}` }) : null,
      el("span", { class: "when", text: `${age(a.at)} ago` })),
    a.body ? el("p", { class: "alert-body", text: a.body }) : null,
    a.delivery && a.delivery !== "send"
      ? el("p", { class: "muted small", text: HELD_BACK[a.delivery] || `not pushed: ${a.delivery}` })
      : null)));
}

/** The latest orders / margin actions / risk decisions from /history `actions`. */
export function actionsList(actions) {
  if (!actions || !actions.length) return el("p", { class: "empty", text: "No actions journaled yet." });
  return el("ul", { class: "actions" }, ...actions.map((a) => el("li", {},
    el("span", { class: `badge kind-${a.kind}`, text: a.kind }),
    el("span", { class: "action-text", text: a.text }),
    el("span", { class: "when", text: `${age(a.at)} ago` }))));
}
