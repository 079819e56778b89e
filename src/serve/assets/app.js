// The what-if page: builds the controls from /api/setup, asks the server
// for an answer after every change (debounced), polls the job until its
// final answer, and draws the plots as SVG. Everything comes from this
// server; nothing is fetched from anywhere else.
"use strict";

const DEBOUNCE_MS = 350;
const POLL_MS = 250;
const SVG = "http://www.w3.org/2000/svg";
// Okabe-Ito, as in the report's plots.
const COLOUR = {
  ink: "#000000", blue: "#0072B2", vermillion: "#D55E00", sky: "#56B4E9",
  orange: "#E69F00", green: "#009E73", grey: "#999999", band: "#56B4E9",
};

const state = {
  setup: null,
  values: {},        // key -> value the control shows (number or string)
  job: null,         // id of the answer job now shown
  generation: 0,     // increases with every question; older replies are dropped
  timer: null,
  answer: null,
  hingesJob: null,
};

const $ = (id) => document.getElementById(id);
const slug = (key) => key.replace(/\./g, "-");

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svgEl(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  const type = response.headers.get("Content-Type") || "";
  const data = type.startsWith("application/json") ? await response.json() : await response.text();
  return { ok: response.ok, status: response.status, data };
}

// ---- controls --------------------------------------------------------

// Day 0 of the model is a Monday; a weekday control lists Monday first.
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const DAYS_PLURAL = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"];

function todayText(c) {
  if (c.widget.type === "weekdays") {
    const days = c.today.map((n, d) => [n, d]).filter(([n]) => n !== 0);
    return days.length ? days.map(([n, d]) => `${n} on ${DAYS_PLURAL[d]}`).join(", ") : "none";
  }
  if (c.widget.type === "choice") {
    const o = c.widget.options.find((o) => o[0] === c.today);
    return o ? o[1] : String(c.today);
  }
  return String(c.today);
}

function buildControl(c) {
  const id = "c-" + slug(c.key);
  const box = el("div", { class: "control", "data-key": c.key });
  const weekdays = c.widget.type === "weekdays";
  const label = el("label", weekdays ? { id: "l-" + slug(c.key) } : { for: id }, c.label + " ");
  if (c.unit) label.appendChild(el("span", { class: "unit" }, "(" + c.unit + ")"));
  box.appendChild(label);
  const inputs = el("div", { class: "inputs" });
  let input;
  if (weekdays) {
    // Seven boxes, one per day; the value is the list of seven, each
    // sent as typed (a number when it is one) for the config check.
    const w = c.widget;
    input = el("div", { class: "weekdays", id, role: "group", "aria-labelledby": "l-" + slug(c.key),
      "aria-describedby": "h-" + slug(c.key) + " e-" + slug(c.key) });
    const boxes = c.today.map((v, d) => {
      const cell = el("label", { class: "day" }, DAYS[d]);
      const box = el("input", { type: "number", id: id + "-" + d, min: w.min, max: w.max, step: 1,
        inputmode: "numeric", "aria-label": "Extra people on " + DAYS_PLURAL[d] });
      box.value = v;
      cell.appendChild(box);
      input.appendChild(cell);
      return box;
    });
    for (const box of boxes) {
      box.addEventListener("input", () => changed(c.key, boxes.map((b) => {
        const text = b.value.trim();
        const n = Number(text);
        return text !== "" && Number.isFinite(n) ? n : text;
      })));
    }
    inputs.appendChild(input);
  } else if (c.widget.type === "choice") {
    input = el("select", { id, "aria-describedby": "h-" + slug(c.key) + " e-" + slug(c.key) });
    for (const [value, words] of c.widget.options) input.appendChild(el("option", { value }, words));
    input.value = c.today;
    input.addEventListener("change", () => changed(c.key, input.value));
    inputs.appendChild(input);
  } else {
    const w = c.widget;
    const range = el("input", {
      type: "range", id: "r-" + slug(c.key), min: w.min, max: w.max, step: w.step,
      "aria-label": c.label + " (slider)", "aria-describedby": "h-" + slug(c.key),
    });
    range.value = c.today;
    input = el("input", {
      type: "number", id, step: "any", inputmode: "decimal",
      "aria-describedby": "h-" + slug(c.key) + " e-" + slug(c.key),
    });
    input.value = c.today;
    range.addEventListener("input", () => {
      input.value = range.value;
      changed(c.key, Number(range.value));
    });
    input.addEventListener("input", () => {
      const text = input.value.trim();
      const n = Number(text);
      // What was typed goes to the server as typed (a number when it is
      // one), so a bad value gets the config check's own message.
      const value = text !== "" && Number.isFinite(n) ? n : text;
      if (typeof value === "number") range.value = value;
      changed(c.key, value);
    });
    inputs.appendChild(range);
    inputs.appendChild(input);
  }
  box.appendChild(inputs);
  box.appendChild(el("p", { class: "today" }, "Today: " + todayText(c)));
  box.appendChild(el("p", { class: "help", id: "h-" + slug(c.key) }, c.help));
  box.appendChild(el("p", { class: "error", id: "e-" + slug(c.key), role: "alert" }));
  return box;
}

function changed(key, value) {
  state.values[key] = value;
  const c = state.setup.controls.find((c) => c.key === key);
  const box = document.querySelector(`.control[data-key="${key}"]`);
  box.classList.toggle("changed", String(value) !== String(c.today));
  // Whatever is shown is for the previous values from now on, until the
  // answer to the next question arrives (a test waits on this flag).
  $("status").dataset.final = "no";
  $("result").classList.add("stale");
  schedule();
}

function changes() {
  const out = {};
  for (const c of state.setup.controls) {
    const v = state.values[c.key];
    if (v !== undefined && String(v) !== String(c.today)) out[c.key] = v;
  }
  return out;
}

function resetControls() {
  $("status").dataset.final = "no";
  for (const c of state.setup.controls) {
    state.values[c.key] = c.today;
    if (c.widget.type === "weekdays") {
      c.today.forEach((v, d) => { $("c-" + slug(c.key) + "-" + d).value = v; });
      document.querySelector(`.control[data-key="${c.key}"]`).classList.remove("changed");
      continue;
    }
    const input = $("c-" + slug(c.key));
    input.value = c.today;
    const range = $("r-" + slug(c.key));
    if (range) range.value = c.today;
    document.querySelector(`.control[data-key="${c.key}"]`).classList.remove("changed");
  }
  schedule();
}

function showErrors(errors) {
  for (const box of document.querySelectorAll(".control")) {
    box.classList.remove("invalid");
    box.querySelector(".error").textContent = "";
  }
  const general = [];
  for (const e of errors || []) {
    const box = document.querySelector(`.control[data-key="${e.key}"]`);
    if (box) {
      box.classList.add("invalid");
      box.querySelector(".error").textContent = e.message;
    } else {
      general.push(e.message);
    }
  }
  return general;
}

// ---- asking ----------------------------------------------------------

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(ask, DEBOUNCE_MS);
}

function setStatus(text, busy) {
  $("status").textContent = text;
  $("status").classList.toggle("busy", !!busy);
}

async function ask() {
  const generation = ++state.generation;
  const body = { changes: changes() };
  $("hinges-button").disabled = Object.keys(body.changes).length === 0;
  $("plot-tornado").hidden = true;
  $("hinges-status").textContent = "";
  if (Object.keys(body.changes).length === 0) {
    showErrors([]);
    state.job = null;
    state.answer = null;
    $("result").hidden = true;
    $("progress").hidden = true;
    setStatus("Move a control on the left to see what the change is worth.");
    return;
  }
  if (state.job !== null) body.supersedes = state.job;
  setStatus("Working out the answer\u2026", true);
  // The answer shown is for the previous values until the new one comes.
  $("result").classList.add("stale");
  const reply = await api("/api/answer", body);
  if (generation !== state.generation) return;
  if (!reply.ok || reply.data.errors) {
    const general = showErrors(reply.data.errors);
    $("progress").hidden = true;
    $("result").classList.add("stale");
    setStatus(general.length ? general.join("; ") : "Fix the value marked in red to see an answer; the answer below is for the last good values.");
    return;
  }
  showErrors([]);
  state.job = reply.data.job;
  poll(state.job, generation);
}

async function poll(job, generation) {
  while (generation === state.generation) {
    const reply = await api("/api/job/" + job);
    if (generation !== state.generation) return;
    if (!reply.ok) {
      setStatus(reply.data.errors ? reply.data.errors[0].message : "The answer was lost; change a control to ask again.");
      return;
    }
    const p = reply.data;
    if (p.result) showAnswer(p);
    if (p.state === "done") return;
    if (p.state === "cancelled") {
      setStatus("This question was replaced by a newer one.");
      return;
    }
    if (!p.result) setStatus("Working out the answer\u2026", true);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

// ---- showing ---------------------------------------------------------

function signClass(e, node) {
  node.classList.toggle("gain", e.clear && e.mean > 0);
  node.classList.toggle("loss", e.clear && e.mean < 0);
}

function showAnswer(p) {
  const a = p.result;
  state.answer = a;
  const final = p.state === "done" || a.replications >= p.target;
  $("progress").hidden = final;
  $("progress").max = p.target;
  $("progress").value = a.replications;
  setStatus(final
    ? `Final answer from ${a.replications} paired replications.`
    : `Showing ${a.replications} of ${p.target} replications; refining\u2026`, !final);
  $("status").dataset.replications = a.replications;
  $("status").dataset.final = final ? "yes" : "no";
  $("result").hidden = false;
  $("result").classList.remove("stale");
  $("changed").textContent = "Compared with today: " + changesInWords() + ".";
  $("today-line").textContent = "Today's store, simulated over the same " + horizonWords(a) + ": " +
    a.today.map(([name, value]) => `${name.toLowerCase()} ${value}`).join("; ") + ".";
  $("verdict").textContent = a.verdict;
  const headline = a.long_run || a.profit_difference_per_year;
  $("long-run-title").textContent = "Profit difference per year, " +
    (!a.long_run ? "over the horizon" : a.long_run_settled ? "once settled" : "before both have settled");
  const lr = $("long-run");
  lr.textContent = headline.text + " a year";
  lr.dataset.mean = headline.mean;
  lr.dataset.ciLow = headline.ci_low;
  lr.dataset.ciHigh = headline.ci_high;
  signClass(headline, lr);
  $("long-run-ci").textContent = headline.ci_text + (a.long_run ? ` (${a.long_run_years} after the switch)` : " (over the horizon)");
  $("payback-day").textContent = a.payback_day === null ? "Not within " + horizonWords(a) : "Day " + a.payback_day;
  $("payback").textContent = a.payback.charAt(0).toUpperCase() + a.payback.slice(1) + ".";
  const pct = 100 * a.prob_better;
  $("prob").textContent = pct < 0.5 ? "under 1%" : pct > 99.5 ? "over 99%" : Math.round(pct) + "%";
  $("prob-title").textContent = "Chance of more profit over the " + horizonWords(a);
  $("share").textContent = `It made more profit in ${Math.round(100 * a.share_better)}% of the paired replications.`;
  $("npv").textContent = a.npv.text;
  $("npv-ci").textContent = a.npv.ci_text + ", over " + horizonWords(a);
  $("horizon-words").textContent = "the " + horizonWords(a);
  drawCumulative(a);
  drawWaterfall(a);
  showKpis(a);
}

// `5 years`, `1 year`, `90 days`.
function horizonWords(a) {
  const days = a.horizon_days, per = state.setup.days_per_year;
  if (days % per === 0) return plural(days / per, "year");
  return plural(days, "day");
}

function plural(n, word) {
  return n + " " + word + (n === 1 ? "" : "s");
}

// `Latitude for staff 0.2 → 0.7; Staff on the payroll 9 → 10`.
function changesInWords() {
  const parts = [];
  for (const c of state.setup.controls) {
    const v = state.values[c.key];
    if (v === undefined || String(v) === String(c.today)) continue;
    if (c.widget.type === "weekdays") {
      v.forEach((n, d) => {
        if (String(n) !== String(c.today[d])) parts.push(`extra people on ${DAYS_PLURAL[d]} ${c.today[d]} \u2192 ${n}`);
      });
      continue;
    }
    const words = (x) => {
      if (c.widget.type !== "choice") return String(x);
      const o = c.widget.options.find((o) => o[0] === x);
      return o ? o[1].toLowerCase() : String(x);
    };
    parts.push(`${c.label.toLowerCase()} ${words(c.today)} \u2192 ${words(v)}`);
  }
  return parts.length ? parts.join("; ") : "no change";
}

function showKpis(a) {
  const body = $("kpis").querySelector("tbody");
  body.textContent = "";
  const moved = a.kpis.filter((k) => k.difference.clear);
  for (const k of moved) {
    const row = el("tr", { "data-kpi": k.name });
    const name = el("td", {}, k.label + " ");
    name.appendChild(el("span", { class: "unit" }, k.unit));
    row.appendChild(name);
    row.appendChild(el("td", {}, k.today));
    row.appendChild(el("td", {}, k.what_if));
    const d = el("td", {}, `${k.difference.text} (${k.difference.ci_text.replace("95% CI ", "")})`);
    signClass(k.difference, d);
    row.appendChild(d);
    body.appendChild(row);
  }
  $("kpi-note").textContent = moved.length
    ? `Only figures whose 95% CI excludes no change. Money and counts are per year on average over the ${horizonWords(a)} after the switch, so profit here includes the time it takes to settle.`
    : "No other figure moved clearly (every 95% CI includes no change).";
  $("kpis").hidden = moved.length === 0;
}

// ---- plots -----------------------------------------------------------

function niceTicks(lo, hi, count) {
  if (!(hi > lo)) { hi = lo + 1; }
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

function money(v) {
  const a = Math.abs(v);
  const sign = v < 0 ? "\u2212" : "";
  if (a >= 1e6) return sign + (a / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 }) + "M";
  if (a >= 1e3) return sign + (a / 1e3).toLocaleString("en-US", { maximumFractionDigits: 1 }) + "k";
  return sign + a.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

function clear(svg) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
}

function drawCumulative(a) {
  const svg = $("plot-cumulative");
  clear(svg);
  const W = 720, H = 300, L = 78, R = 16, T = 14, B = 42;
  const pts = a.cumulative;
  if (pts.length === 0) return;
  const days = a.horizon_days;
  let lo = Math.min(0, ...pts.map((p) => p[2])), hi = Math.max(0, ...pts.map((p) => p[3]));
  if (!(hi > lo)) hi = lo + 1;
  const pad = 0.05 * (hi - lo);
  lo -= pad; hi += pad;
  const x = (d) => L + (W - L - R) * d / days;
  const y = (v) => T + (H - T - B) * (hi - v) / (hi - lo);
  const yearDays = state.setup.days_per_year;
  for (const t of niceTicks(lo, hi, 5)) {
    svg.appendChild(svgEl("line", { x1: L, x2: W - R, y1: y(t), y2: y(t), stroke: t === 0 ? "#444" : "#e3e3e3", "stroke-width": t === 0 ? 1.5 : 1 }));
    svg.appendChild(svgEl("text", { x: L - 8, y: y(t) + 4, "text-anchor": "end", "font-size": 12, fill: "#333" }, money(t) + " EUR"));
  }
  const years = days / yearDays;
  const step = years > 10 ? 5 : 1;
  for (let yr = 0; yr <= years + 1e-9; yr += step) {
    const d = yr * yearDays;
    svg.appendChild(svgEl("line", { x1: x(d), x2: x(d), y1: H - B, y2: H - B + 5, stroke: "#444" }));
    const lastTick = yr + step > years + 1e-9;
    svg.appendChild(svgEl("text", { x: x(d), y: H - B + 19, "text-anchor": lastTick && yr > 0 ? "end" : "middle", "font-size": 12, fill: "#333" }, yr === 0 ? "switch" : "year " + yr));
  }
  if (years < 1) {
    svg.appendChild(svgEl("text", { x: W - R, y: H - B + 19, "text-anchor": "end", "font-size": 12, fill: "#333" }, "day " + days));
  }
  svg.appendChild(svgEl("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle", "font-size": 12, fill: "#555" }, "time since the switch"));
  const band = pts.map((p) => `${x(p[0]).toFixed(1)},${y(p[3]).toFixed(1)}`)
    .concat(pts.slice().reverse().map((p) => `${x(p[0]).toFixed(1)},${y(p[2]).toFixed(1)}`));
  svg.appendChild(svgEl("polygon", { points: band.join(" "), fill: COLOUR.band, "fill-opacity": 0.35, stroke: "none", class: "band" }));
  const line = pts.map((p, i) => `${i ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join("");
  svg.appendChild(svgEl("path", { d: line, fill: "none", stroke: COLOUR.blue, "stroke-width": 2.5, class: "mean" }));
  if (a.payback_day !== null) {
    const px = x(a.payback_day);
    svg.appendChild(svgEl("line", { x1: px, x2: px, y1: T, y2: H - B, stroke: COLOUR.vermillion, "stroke-width": 1.5, "stroke-dasharray": "5 4" }));
    const right = px < W - 200;
    svg.appendChild(svgEl("text", { x: right ? px + 6 : px - 6, y: T + 14, "text-anchor": right ? "start" : "end", "font-size": 12, fill: COLOUR.vermillion }, "pays back: day " + a.payback_day));
  }
  const last = pts[pts.length - 1];
  svg.appendChild(svgEl("text", { x: W - R, y: Math.max(T + 28, Math.min(H - B - 6, y(last[1]) - 8)), "text-anchor": "end", "font-size": 12, fill: COLOUR.blue, "font-weight": "bold" }, money(last[1]) + " EUR after " + (years >= 1 ? Math.round(years) + " years" : days + " days")));
}

const TERM_WORDS = {
  returning_visits: "Returning customers",
  margin_per_served_visit: "Sales per served visit",
  failure_visits_kept: "Sales kept after failures",
  first_visits: "New customers",
  lost_visits: "Visitors who left unserved",
  staffing_and_overtime: "Wages and overtime (not training)",
  giveaways_and_discounts: "Giveaways and discounts",
  hiring_and_training: "Hiring and training",
  other: "Other",
};

function drawWaterfall(a) {
  const svg = $("plot-waterfall");
  clear(svg);
  const rows = a.terms.map((t) => ({ label: TERM_WORDS[t.name] || t.name, title: t.label, v: t.per_year.mean, text: t.per_year.text }));
  const total = a.profit_difference_per_year;
  const W = 720, L = 200, R = 110, T = 8, rowH = 30;
  const H = T + rowH * (rows.length + 1) + 34;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  let run = 0;
  const spans = rows.map((r) => { const s = [run, run + r.v]; run += r.v; return s; });
  let lo = Math.min(0, total.ci_low, ...spans.flat()), hi = Math.max(0, total.ci_high, ...spans.flat());
  if (!(hi > lo)) hi = lo + 1;
  const pad = 0.04 * (hi - lo);
  lo -= pad; hi += pad;
  const x = (v) => L + (W - L - R) * (v - lo) / (hi - lo);
  const axisY = T + rowH * (rows.length + 1) + 4;
  for (const t of niceTicks(lo, hi, 5)) {
    svg.appendChild(svgEl("line", { x1: x(t), x2: x(t), y1: T, y2: axisY, stroke: t === 0 ? "#444" : "#e3e3e3", "stroke-width": t === 0 ? 1.5 : 1 }));
    svg.appendChild(svgEl("text", { x: x(t), y: axisY + 16, "text-anchor": "middle", "font-size": 12, fill: "#333" }, money(t)));
  }
  svg.appendChild(svgEl("text", { x: (L + W - R) / 2, y: axisY + 30, "text-anchor": "middle", "font-size": 12, fill: "#555" }, "EUR a year"));
  const bar = (i, from, to, colour, label, text, title) => {
    const yTop = T + i * rowH + 5;
    const g = svgEl("g", { class: "term" });
    g.appendChild(svgEl("title", {}, title));
    g.appendChild(svgEl("text", { x: L - 8, y: yTop + 15, "text-anchor": "end", "font-size": 13, fill: "#222" }, label));
    const x0 = Math.min(x(from), x(to)), w = Math.max(1.5, Math.abs(x(to) - x(from)));
    g.appendChild(svgEl("rect", { x: x0, y: yTop, width: w, height: rowH - 10, fill: colour }));
    g.appendChild(svgEl("text", { x: Math.max(x(from), x(to)) + 6, y: yTop + 15, "font-size": 12, fill: "#222" }, text));
    svg.appendChild(g);
  };
  rows.forEach((r, i) => bar(i, spans[i][0], spans[i][1], r.v >= 0 ? COLOUR.blue : COLOUR.vermillion, r.label, r.text, r.title));
  const i = rows.length;
  bar(i, 0, total.mean, "#444", "Total", total.text, "the profit difference per year over the horizon, with its 95% CI");
  const yMid = T + i * rowH + 15;
  svg.appendChild(svgEl("line", { x1: x(total.ci_low), x2: x(total.ci_high), y1: yMid, y2: yMid, stroke: COLOUR.orange, "stroke-width": 2.5 }));
  for (const v of [total.ci_low, total.ci_high]) {
    svg.appendChild(svgEl("line", { x1: x(v), x2: x(v), y1: yMid - 7, y2: yMid + 7, stroke: COLOUR.orange, "stroke-width": 2.5 }));
  }
  svg.appendChild(svgEl("line", { x1: L - 4, x2: W - R + 100, y1: T + i * rowH + 1, y2: T + i * rowH + 1, stroke: "#999" }));
}

function drawTornado(result) {
  const svg = $("plot-tornado");
  clear(svg);
  const rows = result.rows.filter((r) => r.low && r.high)
    .map((r) => ({ ...r, swing: Math.abs(r.high.difference - r.low.difference) }))
    .sort((p, q) => q.swing - p.swing);
  const W = 720, L = 330, R = 92, T = 26, rowH = 34;
  const H = T + rowH * rows.length + 40;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const c = result.central;
  let lo = Math.min(0, c, ...rows.flatMap((r) => [r.low.difference, r.high.difference]));
  let hi = Math.max(0, c, ...rows.flatMap((r) => [r.low.difference, r.high.difference]));
  if (!(hi > lo)) hi = lo + 1;
  const pad = 0.15 * (hi - lo);
  lo -= pad; hi += pad;
  const x = (v) => L + (W - L - R) * (v - lo) / (hi - lo);
  const axisY = T + rowH * rows.length;
  for (const t of niceTicks(lo, hi, 5)) {
    svg.appendChild(svgEl("line", { x1: x(t), x2: x(t), y1: T - 6, y2: axisY, stroke: t === 0 ? "#444" : "#e3e3e3", "stroke-width": t === 0 ? 1.5 : 1 }));
    svg.appendChild(svgEl("text", { x: x(t), y: axisY + 16, "text-anchor": "middle", "font-size": 12, fill: "#333" }, money(t)));
  }
  svg.appendChild(svgEl("text", { x: (L + W - R) / 2, y: axisY + 32, "text-anchor": "middle", "font-size": 12, fill: "#555" }, "profit difference, EUR a year"));
  svg.appendChild(svgEl("line", { x1: x(c), x2: x(c), y1: T - 6, y2: axisY, stroke: COLOUR.ink, "stroke-width": 1.5, "stroke-dasharray": "4 3" }));
  svg.appendChild(svgEl("text", { x: x(c), y: T - 10, "text-anchor": "middle", "font-size": 12, fill: COLOUR.ink }, "as assumed: " + money(c)));
  rows.forEach((r, i) => {
    const yTop = T + i * rowH + 6, h = rowH - 14;
    const flips = Math.sign(r.low.difference) !== Math.sign(c) || Math.sign(r.high.difference) !== Math.sign(c);
    const words = r.label.charAt(0).toUpperCase() + r.label.slice(1);
    svg.appendChild(svgEl("text", { x: L - 8, y: yTop + 14, "text-anchor": "end", "font-size": 12.5, fill: "#222", "font-weight": flips ? "bold" : "normal" }, words));
    if (flips) {
      svg.appendChild(svgEl("text", { x: W - R + 10, y: yTop + 14, "font-size": 12.5, fill: COLOUR.vermillion, "font-weight": "bold" }, "can flip it"));
    }
    for (const [end, colour] of [[r.low, COLOUR.sky], [r.high, COLOUR.orange]]) {
      const x0 = Math.min(x(c), x(end.difference)), w = Math.max(1.5, Math.abs(x(end.difference) - x(c)));
      const rect = svgEl("rect", { x: x0, y: yTop, width: w, height: h, fill: colour });
      rect.appendChild(svgEl("title", {}, `${r.key} = ${+end.value.toPrecision(4)}: ${end.text} a year`));
      svg.appendChild(rect);
    }
  });
  svg.hidden = false;
}

// ---- hinges and downloads ---------------------------------------------

async function hinges() {
  const generation = state.generation;
  $("hinges-button").disabled = true;
  $("hinges-status").textContent = "Working it out\u2026";
  const body = { changes: changes() };
  if (state.hingesJob !== null) body.supersedes = state.hingesJob;
  const reply = await api("/api/hinges", body);
  if (!reply.ok || reply.data.errors) {
    $("hinges-status").textContent = (reply.data.errors || []).map((e) => e.message).join("; ");
    return;
  }
  state.hingesJob = reply.data.job;
  while (generation === state.generation) {
    const p = (await api("/api/job/" + state.hingesJob)).data;
    if (generation !== state.generation) return;
    if (p.result) drawTornado(p.result);
    if (p.state !== "running") {
      if (p.state === "done") {
        $("hinges-status").textContent = `Each bar: one assumption at half (light blue) and one and a half times (orange) its value, ${p.result.replications} replications each.`;
      } else {
        $("hinges-status").textContent = "Stopped: replaced by a newer question.";
      }
      $("hinges-button").disabled = false;
      return;
    }
    $("hinges-status").textContent = `Working it out: ${p.done} of ${p.target} runs\u2026`;
    await new Promise((r) => setTimeout(r, 2 * POLL_MS));
  }
}

// The text of one arm's config file (also what the browser test reads).
async function configText(side) {
  const reply = await api("/api/config", { changes: changes(), side });
  if (!reply.ok || reply.data.errors) throw new Error((reply.data.errors || []).map((e) => e.message).join("; "));
  return reply.data;
}

function save(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function download(side) {
  try {
    save(await configText(side), side + ".toml", "application/toml");
    $("download-status").textContent = `Saved ${side}.toml.`;
  } catch (e) {
    $("download-status").textContent = e.message;
  }
}

async function downloadReport() {
  $("download-report").disabled = true;
  $("download-status").textContent = "Preparing the report (a full comparison)\u2026";
  const reply = await api("/api/report", { changes: changes() });
  $("download-report").disabled = false;
  if (!reply.ok || reply.data.errors) {
    $("download-status").textContent = typeof reply.data === "string" ? reply.data : (reply.data.errors || []).map((e) => e.message).join("; ");
    return;
  }
  save(reply.data, "what-if-report.html", "text/html");
  $("download-status").textContent = "Saved what-if-report.html.";
}

// ---- start -----------------------------------------------------------

async function start() {
  const reply = await api("/api/setup");
  const s = reply.data;
  state.setup = s;
  $("store-line").textContent = `The store of ${s.store}. Each answer compares a change with today over ${plural(s.years_after_switch, "year")} after the switch, from up to ${s.replications} paired replications.`;
  const facts = $("facts");
  for (const f of s.facts) facts.appendChild(el("li", {}, f));
  for (const c of s.controls) {
    state.values[c.key] = c.today;
    $(c.group === "store" ? "store" : "policy").appendChild(buildControl(c));
  }
  $("reset").addEventListener("click", resetControls);
  $("hinges-button").addEventListener("click", hinges);
  $("download-what-if").addEventListener("click", () => download("what-if"));
  $("download-today").addEventListener("click", () => download("today"));
  $("download-report").addEventListener("click", downloadReport);
  document.body.dataset.ready = "yes";
}

window.effectchain = { configText, state };
start();
