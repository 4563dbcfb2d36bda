// nordbid dashboard: one page over the admin API. The token lives in
// sessionStorage, so it is gone when the tab closes, and goes out only as
// a bearer header to this same origin.
"use strict";

const api = "/api/v1";
const store = window.sessionStorage;
const $ = (id) => document.getElementById(id);
let timers = [];
let history = [];

async function call(method, path, body) {
  const opts = { method, headers: { Authorization: "Bearer " + store.getItem("token") } };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(api + path, opts);
  const data = await res.json().catch(() => ({}));
  if (res.status === 401) {
    logout("Token no longer valid: log in again.");
  }
  if (!res.ok) {
    throw new Error(data.error || res.statusText);
  }
  return data;
}

// money shows micros as currency units with two decimals, for display only.
function money(micros) {
  if (micros === null || micros === undefined) return "∞";
  return (micros / 1e6).toFixed(2);
}

function pct(x) { return (x * 100).toFixed(1) + " %"; }
function ms(x) { return x < 1 ? x.toFixed(3) : x.toFixed(1); }

async function login(ev) {
  ev.preventDefault();
  const token = $("token").value.trim();
  if (!token) return;
  store.setItem("token", token);
  try {
    await start();
  } catch (e) {
    logout("Login failed: " + e.message);
  }
}

async function start() {
  const me = await call("GET", "/me");
  $("token").value = "";
  $("login-error").textContent = "";
  $("who").textContent = me.name + " (" + me.role + ")";
  document.body.classList.toggle("is-operator", me.role === "operator");
  $("login-view").hidden = true;
  $("app").hidden = false;
  $("logout").hidden = false;
  refreshStats();
  refreshCampaigns();
  timers = [setInterval(refreshStats, 1000), setInterval(refreshCampaigns, 2000)];
}

function logout(msg) {
  store.removeItem("token");
  timers.forEach(clearInterval);
  timers = [];
  $("app").hidden = true;
  $("logout").hidden = true;
  $("login-view").hidden = false;
  $("who").textContent = "";
  $("login-error").textContent = msg || "";
}

async function refreshStats() {
  try {
    const s = await call("GET", "/stats");
    $("rps").textContent = s.requests_per_second.toFixed(1);
    $("bps").textContent = s.bids_per_second.toFixed(1);
    $("bid-rate").textContent = pct(s.bid_rate);
    $("win-rate").textContent = pct(s.win_rate);
    $("latency").textContent = ms(s.latency_p50_ms) + " / " + ms(s.latency_p90_ms) +
      " / " + ms(s.latency_p99_ms) + " ms";
    $("gc").textContent = s.gc_cycles + " · " + ms(s.gc_pause_p99_ms) + " / " +
      ms(s.gc_pause_max_ms) + " ms";
    $("requests-total").textContent = s.requests_total;
    $("stats-note").textContent = "Rates over the last " + s.window_seconds + " s, at " +
      new Date(s.at).toLocaleTimeString();
    history.push(s.requests_per_second);
    history = history.slice(-60);
    spark($("rps-chart"), history);
    const settings = await call("GET", "/settings");
    showKill(settings.kill_switch);
  } catch (e) {
    $("error").textContent = e.message;
  }
}

function spark(canvas, values) {
  const g = canvas.getContext("2d");
  const top = Math.max(1, ...values);
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.strokeStyle = "#0b6bcb";
  g.beginPath();
  values.forEach((v, i) => {
    const x = (i / 59) * canvas.width;
    const y = canvas.height - (v / top) * (canvas.height - 2) - 1;
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}

function showKill(on) {
  $("kill-state").textContent = on ? "STOPPED by the kill switch" : "on";
  $("kill").classList.toggle("killed", on);
  const b = $("kill-toggle");
  b.textContent = on ? "Resume all bidding" : "Stop all bidding";
  b.dataset.on = on ? "1" : "";
}

async function toggleKill() {
  const on = !$("kill-toggle").dataset.on;
  if (on && !window.confirm("Stop all bidding on every node?")) return;
  try {
    showKill((await call("PATCH", "/settings", { kill_switch: on })).kill_switch);
  } catch (e) {
    $("error").textContent = e.message;
  }
}

function bar(spent, budget) {
  const span = document.createElement("span");
  span.className = "bar";
  const fill = document.createElement("i");
  fill.style.width = budget > 0 ? Math.min(100, (spent * 100) / budget) + "%" : "0";
  span.append(fill);
  return span;
}

function cell(row, content) {
  const td = document.createElement("td");
  if (content instanceof Node) td.append(content); else td.textContent = content;
  row.append(td);
  return td;
}

async function refreshCampaigns() {
  try {
    const items = [];
    let after = 0;
    for (let i = 0; i < 20; i++) {
      const page = await call("GET", "/campaigns?limit=500&after_id=" + after);
      items.push(...page.items.filter((c) => c.status !== "archived"));
      if (!page.next_after_id) break;
      after = page.next_after_id;
    }
    renderCampaigns(items);
    $("error").textContent = "";
  } catch (e) {
    $("error").textContent = e.message;
  }
}

function renderCampaigns(items) {
  const body = $("campaigns").tBodies[0];
  const rows = items.map((c) => {
    const tr = document.createElement("tr");
    tr.dataset.id = c.id;
    const sp = c.spend || {};
    cell(tr, String(c.id));
    cell(tr, c.name);
    cell(tr, c.status).className = "status status-" + c.status;
    cell(tr, money(c.bid_price_micros) + " " + (c.currency || "USD"));
    const today = document.createElement("span");
    today.append(bar(sp.today_micros, c.daily_budget_micros),
      money(sp.today_micros) + " / " + money(c.daily_budget_micros || null));
    cell(tr, today);
    const total = document.createElement("span");
    total.append(bar(sp.total_micros, c.total_budget_micros),
      money(sp.total_micros) + " / " + money(c.total_budget_micros || null));
    cell(tr, total);
    cell(tr, sp.pace_percent === null || sp.pace_percent === undefined ?
      "–" : sp.pace_percent + " %").className = "pace";
    const btn = document.createElement("button");
    const act = c.status === "active" ? "pause" : "resume";
    btn.textContent = act === "pause" ? "Pause" : "Resume";
    btn.className = "operator " + act;
    btn.addEventListener("click", () => act1(c.id, act));
    cell(tr, btn);
    return tr;
  });
  body.replaceChildren(...rows);
}

async function act1(id, act) {
  try {
    await call("POST", "/campaigns/" + id + "/" + act);
    await refreshCampaigns();
  } catch (e) {
    $("error").textContent = e.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", () => logout(""));
  $("kill-toggle").addEventListener("click", toggleKill);
  // A token in the URL fragment (#token=...) logs in without typing, for
  // kiosks and scripted screenshots; the fragment never reaches a server,
  // and it is removed from the address bar at once.
  const m = /^#token=(.+)$/.exec(window.location.hash);
  if (m) {
    store.setItem("token", decodeURIComponent(m[1]));
    window.history.replaceState(null, "", window.location.pathname);
  }
  if (store.getItem("token")) {
    start().catch((e) => logout("Login failed: " + e.message));
  }
});
