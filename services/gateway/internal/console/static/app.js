// ocopfair web console: one page, plain JavaScript, talking to the same JSON API as every other
// client. Text from the API is always inserted as text, never as HTML.
"use strict";

const S = {
  token: localStorage.getItem("ocopfair.token") || "",
  lang: localStorage.getItem("ocopfair.lang") || "vi",
  ref: null,
  me: null,
  live: null,
};

// ---------- helpers ----------
const t = (k) => (I18N[S.lang] && I18N[S.lang][k]) || I18N.vi[k] || k;
const $ = (sel, root = document) => root.querySelector(sel);

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

const money = (n) => new Intl.NumberFormat("vi-VN").format(n || 0) + " ₫";
const num = (n) => new Intl.NumberFormat(S.lang === "vi" ? "vi-VN" : "en-GB").format(n || 0);
function date(s) {
  if (!s) return "";
  const d = s.length === 10 ? new Date(s + "T00:00:00+07:00") : new Date(s);
  const p = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric" }).formatToParts(d);
  const g = (type) => p.find((x) => x.type === type).value;
  return `${g("day")}/${g("month")}/${g("year")}`;
}
function time(s) {
  if (!s) return "";
  return new Intl.DateTimeFormat("vi-VN", { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit" }).format(new Date(s));
}
const collator = new Intl.Collator("vi");
const sortBy = (list, key) => list.slice().sort((a, b) => collator.compare(key(a), key(b)));
const fold = (s) => (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();

function toast(msg) {
  const el = $("#toast");
  el.textContent = msg;
  el.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove("show"), 3500);
}

function claims() {
  try {
    const bin = atob(S.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
  } catch (e) {
    return null;
  }
}

async function api(method, path, body, opts = {}) {
  const headers = { Accept: "application/json", "Accept-Language": S.lang };
  if (S.token) headers.Authorization = "Bearer " + S.token;
  if (body !== undefined && !(body instanceof FormData) && !(body instanceof Blob)) headers["Content-Type"] = "application/json";
  if (opts.idem) headers["Idempotency-Key"] = opts.idem;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : body instanceof FormData || body instanceof Blob ? body : JSON.stringify(body) });
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
  if (res.status === 401 && S.token && !opts.quiet) { logout(); }
  return { ok: res.ok, status: res.status, data };
}

// every item of a paginated list, following next_cursor (at most `pages` pages of 100)
async function all(path, pages = 10) {
  const items = [];
  let cursor = "";
  for (let i = 0; i < pages; i++) {
    const r = await api("GET", path + (path.includes("?") ? "&" : "?") + "limit=100" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    if (!r.ok || !r.data) break;
    items.push(...(r.data.items || []));
    if (!(cursor = r.data.next_cursor)) break;
  }
  return items;
}

const idem = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());

// ---------- forms ----------
// field: {name, label, type, options:[[value,label]], value, required, full, step, min}
function form(fields, submitLabel, onSubmit, opts = {}) {
  const f = h("form", { class: "f", novalidate: true, id: opts.id });
  for (const fd of fields) {
    const id = (opts.id || "f") + "-" + fd.name.replace(/\W/g, "_");
    let input;
    if (fd.type === "select") {
      input = h("select", { id, name: fd.name }, (fd.options || []).map(([v, l]) => h("option", { value: v, selected: String(fd.value) === String(v) }, l)));
    } else if (fd.type === "multiselect") {
      input = h("select", { id, name: fd.name, multiple: true, size: Math.min(6, (fd.options || []).length || 1) },
        (fd.options || []).map(([v, l]) => h("option", { value: v, selected: (fd.value || []).includes(v) }, l)));
    } else if (fd.type === "textarea") {
      input = h("textarea", { id, name: fd.name, rows: 3 }, fd.value || "");
    } else {
      input = h("input", { id, name: fd.name, type: fd.type || "text", value: fd.value ?? "", step: fd.step, min: fd.min, autocomplete: fd.autocomplete, accept: fd.accept });
    }
    f.append(h("div", { class: "field" + (fd.full ? " full" : ""), dataset: { field: fd.name } }, h("label", { for: id }, fd.label), input, h("div", { class: "err" })));
  }
  const btn = h("button", { type: "submit" }, submitLabel);
  f.append(h("div", { class: "full actions" }, btn));
  f.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(f);
    const values = {};
    for (const fd of fields) {
      const el = f.elements[fd.name];
      if (fd.type === "multiselect") values[fd.name] = Array.from(el.selectedOptions).map((o) => o.value);
      else if (fd.type === "file") values[fd.name] = el.files[0];
      else values[fd.name] = el.value;
    }
    btn.disabled = true;
    try {
      const res = await onSubmit(values);
      if (res && !res.ok) showErrors(f, res);
    } finally {
      btn.disabled = false;
    }
  });
  return f;
}

function clearErrors(f) {
  f.querySelectorAll(".field").forEach((x) => { x.classList.remove("bad"); x.querySelector(".err").textContent = ""; });
}

// showErrors puts each field error of a problem document next to its field, in plain words.
function showErrors(f, res) {
  const p = res.data || {};
  let placed = false;
  for (const e of p.errors || []) {
    const base = e.field.split(/[.[]/)[0];
    const box = f.querySelector(`[data-field="${CSS.escape(e.field)}"]`) || f.querySelector(`[data-field="${CSS.escape(base)}"]`);
    if (box) {
      box.classList.add("bad");
      box.querySelector(".err").textContent = e.message;
      placed = true;
    }
  }
  toast(placed ? t("failed") : (p.detail || p.title || t("failed")));
}

const opt = (list, vkey, lkey) => list.map((x) => [x[vkey], typeof lkey === "function" ? lkey(x) : x[lkey]]);
const num0 = (v) => (v === "" || v === undefined ? undefined : Number(v));
const csv = (v) => (v || "").split(",").map((s) => s.trim()).filter(Boolean);
const today = (plus = 0) => { const d = new Date(Date.now() + plus * 86400000); return d.toISOString().slice(0, 10); };

function badge(text, kind) { return h("span", { class: "badge " + (kind || "") }, text); }
function statusBadge(prefix, s) {
  const kind = { rejected: "bad", cancelled: "bad", expired: "bad", declined: "bad", waitlisted: "warn", expiring: "warn", requested: "warn", submitted: "grey", draft: "grey" }[s] || "";
  return badge(t(prefix + s), kind);
}

// ---------- session ----------
function logout() {
  S.token = "";
  S.me = null;
  localStorage.removeItem("ocopfair.token");
  clearTimeout(retryLive.timer);
  if (S.live) { S.live.close(); S.live = null; }
  location.hash = "#/login";
  render();
}

async function signedIn(token) {
  S.token = token;
  localStorage.setItem("ocopfair.token", token);
  startLive();
  location.hash = "#/";
  await render();
}

// startLive opens the live stream with a single-use ticket: an EventSource cannot send the token
// in a header, and a token in a URL ends up in logs. A ticket opens one stream only, so when the
// stream drops it is closed and a new one opened with a new ticket.
async function startLive() {
  if (!S.token || S.live || !window.EventSource) return;
  const opening = { closed: false, close() { this.closed = true; } };
  S.live = opening;
  const r = await api("POST", "/api/live/ticket", undefined, { quiet: true });
  if (opening.closed || S.live !== opening) return;
  if (!r.ok || !r.data || !r.data.ticket) {
    S.live = null;
    if (r.status !== 401) retryLive(15000);
    return;
  }
  const es = new EventSource("/api/live?ticket=" + encodeURIComponent(r.data.ticket));
  S.live = es;
  es.onmessage = () => {
    clearTimeout(startLive.timer);
    startLive.timer = setTimeout(() => { if (!formsDirty()) render(true); }, 250);
  };
  es.onerror = () => {
    es.close();
    if (S.live === es) { S.live = null; retryLive(3000); }
  };
}

function retryLive(ms) {
  clearTimeout(retryLive.timer);
  retryLive.timer = setTimeout(startLive, ms);
}

// formsDirty reports whether the person has started filling a form on the page: a live update
// must not wipe what they typed.
function formsDirty() {
  for (const el of document.querySelectorAll("#app form input, #app form textarea, #app form select")) {
    if (el.type === "file" ? el.files.length > 0 : el.tagName === "SELECT" ? [...el.options].some((o) => o.selected !== o.defaultSelected) : el.value !== el.defaultValue) return true;
  }
  return false;
}

// ---------- layout ----------
const navs = {
  organiser: [["#/fairs", "fairs"], ["#/import", "import"]],
  admin: [["#/fairs", "fairs"], ["#/admin", "admin"], ["#/import", "import"]],
  producer: [["#/producer", "profile"], ["#/producer/fairs", "my_fairs"], ["#/producer/apps", "my_apps"], ["#/meetings", "meetings"], ["#/producer/opportunities", "opportunities"]],
  buyer: [["#/buyer", "buyer_profile"], ["#/meetings", "meetings"]],
};

function layout() {
  const c = claims();
  const nav = $("#nav");
  nav.replaceChildren(...(c ? (navs[c.role] || []).map(([href, k]) => h("a", { href, class: location.hash.startsWith(href) ? "active" : "" }, t(k))) : []));
  $("#who").textContent = c ? (c.name || c.email || "") : "";
  $("#logout").hidden = !c;
  $("#logout").textContent = t("logout");
  $("#lang").textContent = S.lang === "vi" ? "EN" : "VI";
  document.documentElement.lang = S.lang;
}

async function reference() {
  if (!S.ref) {
    const r = await api("GET", "/api/reference");
    S.ref = r.data;
  }
  return S.ref;
}

// ---------- router ----------
const routes = [
  [/^#\/login$/, viewLogin],
  [/^#\/register$/, viewRegister],
  [/^#\/fairs$/, viewFairs],
  [/^#\/fair\/([^/]+)(?:\/(\w+))?$/, viewFair],
  [/^#\/import$/, viewImport],
  [/^#\/admin$/, viewAdmin],
  [/^#\/producer$/, viewProducer],
  [/^#\/producer\/fairs$/, viewOpenFairs],
  [/^#\/producer\/apps$/, viewMyApps],
  [/^#\/producer\/opportunities$/, viewOpportunities],
  [/^#\/buyer$/, viewBuyer],
  [/^#\/request\/([^/]+)$/, viewRequest],
  [/^#\/meetings$/, viewMeetings],
  [/^#\/agenda\/([^/]+)$/, viewAgenda],
];

let rendering = 0;
async function render(refresh) {
  const mine = ++rendering;
  layout();
  const c = claims();
  let hash = location.hash || "#/";
  if (!c && !/^#\/(login|register)$/.test(hash)) hash = "#/login";
  if (hash === "#/" && c) hash = { producer: "#/producer", buyer: "#/buyer", admin: "#/admin" }[c.role] || "#/fairs";
  if (hash !== location.hash) history.replaceState(null, "", hash);
  const app = $("#app");
  for (const [re, view] of routes) {
    const m = hash.match(re);
    if (!m) continue;
    const node = await view(...m.slice(1));
    if (mine !== rendering) return; // a newer render won
    app.replaceChildren(node);
    layout();
    if (!refresh) app.focus();
    return;
  }
  app.replaceChildren(h("p", {}, "404"));
}

// ---------- auth views ----------
function viewLogin() {
  return h("div", { class: "card", style: "max-width:28rem;margin:2rem auto" }, h("h1", {}, t("login")),
    form([{ name: "email", label: t("email"), type: "email", autocomplete: "username", full: true },
      { name: "password", label: t("password"), type: "password", autocomplete: "current-password", full: true }], t("login"), async (v) => {
      const r = await api("POST", "/api/auth/login", v, { quiet: true });
      if (r.ok) await signedIn(r.data.access_token);
      return r;
    }, { id: "login" }),
    h("p", {}, t("no_account"), " ", h("a", { href: "#/register", id: "to-register" }, t("register"))));
}

function viewRegister() {
  return h("div", { class: "card", style: "max-width:28rem;margin:2rem auto" }, h("h1", {}, t("register")),
    form([{ name: "name", label: t("name"), full: true }, { name: "email", label: t("email"), type: "email", full: true },
      { name: "password", label: t("password"), type: "password", autocomplete: "new-password", full: true },
      { name: "role", label: t("role"), type: "select", options: [["producer", t("role_producer")], ["buyer", t("role_buyer")]], full: true }],
    t("register"), async (v) => {
      const r = await api("POST", "/api/auth/register", v, { idem: idem(), quiet: true });
      if (!r.ok) return r;
      if (r.data && r.data.access_token) {
        await signedIn(r.data.access_token);
        return r;
      }
      // A replayed sign-up carries no token (the server never keeps one): sign in instead.
      const l = await api("POST", "/api/auth/login", { email: v.email, password: v.password }, { quiet: true });
      if (l.ok) await signedIn(l.data.access_token);
      return l;
    }, { id: "register" }),
    h("p", {}, t("have_account"), " ", h("a", { href: "#/login" }, t("login"))));
}

// ---------- organiser: fairs ----------
async function viewFairs() {
  const [ref, list] = await Promise.all([reference(), api("GET", "/api/fairs?limit=100")]);
  const fairs = (list.data && list.data.items) || [];
  const c = claims();
  const canCreate = c && (c.role === "organiser" || c.role === "admin");
  const rows = fairs.map((f) => h("tr", {}, h("td", {}, h("a", { href: "#/fair/" + f.id }, f.name_vi)), h("td", {}, t("kind_" + f.kind)),
    h("td", {}, f.host_province_name), h("td", {}, date(f.start_date) + " – " + date(f.end_date)), h("td", {}, statusBadge("st_", f.status))));
  const provinces = sortBy(ref.provinces, (p) => p.name);
  return h("div", {}, h("h1", {}, t("fairs")),
    h("div", { class: "card tablewrap" }, fairs.length ? h("table", { id: "fair-list" }, h("tbody", {}, rows)) : h("p", { class: "muted" }, t("none"))),
    canCreate && h("div", { class: "card" }, h("h2", {}, t("new_fair")), form([
      { name: "name_vi", label: t("fair_name"), full: true },
      { name: "kind", label: t("kind"), type: "select", options: ["fair", "trade_week", "regional_promotion", "b2b_conference"].map((k) => [k, t("kind_" + k)]) },
      { name: "region", label: t("region"), type: "select", options: opt(ref.regions, "code", "name") },
      { name: "host_province", label: t("host_province"), type: "select", value: "01", options: opt(provinces, "code", "name") },
      { name: "venue_name", label: t("venue") }, { name: "venue_address", label: t("address") },
      { name: "start_date", label: t("start_date"), type: "date", value: today(30) }, { name: "end_date", label: t("end_date"), type: "date", value: today(34) },
      { name: "applications_open", label: t("apps_open"), type: "date", value: today(0) }, { name: "applications_close", label: t("apps_close"), type: "date", value: today(20) },
      { name: "min_stars", label: t("min_stars"), type: "select", options: [["3", "3★"], ["4", "4★"], ["5", "5★"]] },
      { name: "max_booths", label: t("max_booths"), type: "number", value: 2, min: 1 },
      { name: "price", label: t("booth_price"), type: "number", value: 12000000, min: 0 }, { name: "subsidy", label: t("subsidy"), type: "number", value: 50, min: 0 },
    ], t("create"), async (v) => {
      const body = { name_vi: v.name_vi, kind: v.kind, region: v.region, host_province: v.host_province, venue: { name: v.venue_name, address: v.venue_address },
        start_date: v.start_date, end_date: v.end_date, applications_open: v.applications_open, applications_close: v.applications_close,
        eligibility: { min_stars: Number(v.min_stars), max_booths_per_producer: Number(v.max_booths) },
        fees: { booth_prices: { standard: Number(v.price) }, subsidy_percent: Number(v.subsidy), max_subsidised_booths: 2 } };
      const r = await api("POST", "/api/fairs", body, { idem: idem() });
      if (r.ok) { toast(t("saved")); location.hash = "#/fair/" + r.data.id; }
      return r;
    }, { id: "new-fair" })));
}

const sectorColours = { food: "#8bc34a", beverage: "#4fc3f7", medicinal: "#ba68c8", handicraft: "#ffb74d", ornamental: "#f06292", tourism: "#90a4ae" };
const statusColours = { available: "#ffffff", reserved: "#fff59d", assigned: "#66bb6a", blocked: "#bdbdbd" };

// boothMap draws the floor plan as SVG: booths coloured by status or sector; tap or hover shows
// the holder and products.
function boothMap(m, opts = {}) {
  const by = opts.by || "status";
  const pad = 1;
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `${-pad} ${-pad} ${Math.max(m.width, 10) + 2 * pad} ${Math.max(m.height, 5) + 2 * pad}`);
  svg.setAttribute("class", "map");
  svg.setAttribute("role", "img");
  svg.setAttribute("id", "booth-map");
  const info = h("p", { class: "muted", id: "booth-info", "aria-live": "polite" }, "");
  for (const b of m.booths) {
    const g = document.createElementNS(svg.namespaceURI, "g");
    const r = document.createElementNS(svg.namespaceURI, "rect");
    let fill = statusColours[b.status];
    if (by === "sector" && b.holder && b.holder.sectors.length) fill = sectorColours[b.holder.sectors[0]] || fill;
    const mine = opts.highlight && b.holder && b.holder.producer_id === opts.highlight;
    Object.entries({ x: b.x, y: b.y, width: b.w - 0.1, height: b.h - 0.1, fill, stroke: mine ? "#d32f2f" : "#555", "stroke-width": mine ? 0.35 : 0.06, tabindex: 0 })
      .forEach(([k, v]) => r.setAttribute(k, v));
    r.dataset.code = b.code;
    r.dataset.status = b.status;
    const label = b.code + " · " + t("b_" + b.status) + (b.holder ? " · " + b.holder.producer_name + (b.holder.products.length ? " — " + b.holder.products.join(", ") : "") : "");
    const title = document.createElementNS(svg.namespaceURI, "title");
    title.textContent = label;
    r.append(title);
    const show = () => { info.textContent = label; };
    r.addEventListener("click", show);
    r.addEventListener("focus", show);
    const text = document.createElementNS(svg.namespaceURI, "text");
    text.setAttribute("x", b.x + 0.3);
    text.setAttribute("y", b.y + 1.1);
    text.textContent = b.code;
    g.append(r, text);
    svg.append(g);
  }
  const legend = by === "status"
    ? Object.entries(statusColours).map(([k, c]) => h("span", { style: `--c:${c}` }, t("b_" + k)))
    : Object.entries(sectorColours).map(([k, c]) => h("span", { style: `--c:${c}` }, (S.ref.sectors.find((s) => s.code === k) || {})["name_" + S.lang] || k));
  return h("div", {}, h("div", { class: "legend" }, legend), svg, info);
}

async function viewFair(id, tab) {
  tab = tab || "map";
  const [ref, fr] = await Promise.all([reference(), api("GET", "/api/fairs/" + id)]);
  if (!fr.ok) return h("p", {}, (fr.data && fr.data.detail) || "404");
  const f = fr.data;
  const c = claims();
  const manager = c && (c.role === "admin" || (f.organisers || []).includes(c.sub));
  const head = h("div", {}, h("h1", {}, f.name_vi, " ", statusBadge("st_", f.status)),
    h("p", { class: "muted" }, t("kind_" + f.kind), " · ", f.host_province_name, " · ", date(f.start_date), " – ", date(f.end_date), f.venue.name ? " · " + f.venue.name : ""),
    manager && h("div", { class: "actions", id: "fair-actions" }, (f.allowed_actions || []).filter((a) => a !== "cancel").map((a) =>
      h("button", { type: "button", class: "secondary", dataset: { action: a }, onclick: async () => {
        const r = await api("POST", `/api/fairs/${id}/${a}`);
        toast(r.ok ? t("saved") : (r.data.detail || t("failed")));
        render(true);
      } }, t("act_" + a))),
    (f.allowed_actions || []).includes("cancel") && h("button", { type: "button", class: "danger", onclick: async () => {
      const reason = prompt(t("cancel_reason"));
      if (!reason) return;
      const r = await api("POST", `/api/fairs/${id}/cancel`, { reason });
      toast(r.ok ? t("saved") : (r.data.detail || t("failed")));
      render(true);
    } }, t("act_cancel"))));
  const tabs = manager ? ["map", "apps", "alloc", "b2b", "report"] : ["map"];
  const tabBar = h("nav", { class: "tabs" }, tabs.map((x) => h("a", { href: `#/fair/${id}/${x}`, class: x === tab ? "active" : "", id: "tab-" + x }, t("tab_" + x))));
  const body = await ({ map: fairMap, apps: fairApps, alloc: fairAlloc, b2b: fairB2B, report: fairReport }[tab] || fairMap)(f, ref, manager);
  return h("div", {}, head, tabBar, body);
}

async function fairMap(f, ref, manager) {
  const m = (await api("GET", `/api/fairs/${f.id}/booths`)).data;
  const c = claims();
  let highlight;
  if (c && c.role === "producer") {
    const me = await api("GET", "/api/producers/me");
    if (me.ok) highlight = me.data.id;
  }
  const holder = h("div", {});
  const draw = (by) => holder.replaceChildren(boothMap(m, { by, highlight }));
  draw("status");
  const switcher = h("div", { class: "actions" }, h("span", { class: "muted" }, t("colour_by") + ":"),
    h("button", { type: "button", class: "secondary", onclick: () => draw("status") }, t("by_status")),
    h("button", { type: "button", class: "secondary", onclick: () => draw("sector") }, t("by_sector")));
  return h("div", {}, h("div", { class: "card" }, switcher, m.booths.length ? holder : h("p", { class: "muted" }, t("none"))),
    manager && h("div", { class: "card" }, h("h2", {}, t("grid")), form([
      { name: "zone", label: t("zone"), value: "Khu A" }, { name: "prefix", label: t("prefix"), value: "A" },
      { name: "rows", label: t("rows"), type: "number", value: 2, min: 1 }, { name: "columns", label: t("columns"), type: "number", value: 10, min: 1 },
      { name: "kind", label: t("booth_kind"), type: "select", options: ref.booth_kinds.map((k) => [k, k]) },
    ], t("create"), async (v) => {
      const oy = m.booths.length ? Math.ceil(m.height) + 4 : 0;
      const r = await api("POST", `/api/fairs/${f.id}/booths`, { grid: { zone: v.zone, prefix: v.prefix, kind: v.kind, rows: Number(v.rows), columns: Number(v.columns), origin_y: oy } }, { idem: idem() });
      if (r.ok) { toast(t("saved")); render(true); }
      return r;
    }, { id: "grid" })));
}

function rulesList(rules) {
  return h("div", {}, (rules || []).map((r) => h("div", { class: "rule" }, h("span", { class: r.pass ? "ok" : "no" }, r.pass ? "✔" : "✘"), h("span", {}, r.reason))));
}

async function fairApps(f) {
  const list = (await api("GET", `/api/fairs/${f.id}/applications?limit=100`)).data;
  const items = (list && list.items) || [];
  const review = (a, action) => async () => {
    let body;
    if (action === "reject") {
      const reason = prompt(t("reason"));
      if (!reason) return;
      body = { reason };
    }
    const r = await api("POST", `/api/applications/${a.id}/${action}`, body);
    toast(r.ok ? t("saved") : (r.data.detail || t("failed")));
    render(true);
  };
  return h("div", { class: "card tablewrap" }, items.length ? h("table", { id: "app-queue" }, h("thead", {}, h("tr", {}, h("th", {}, t("legal_name")), h("th", {}, t("products")), h("th", {}, t("eligible")), h("th", {}, t("status")), h("th", {}))),
    h("tbody", {}, items.map((a) => h("tr", { dataset: { app: a.id } },
      h("td", {}, a.producer_name, h("div", { class: "muted" }, a.province_name)),
      h("td", {}, a.products.map((p) => h("div", {}, p.name, " ", p.stars + "★")), h("div", { class: "muted" }, a.booth_count + " × " + a.booth_kind)),
      h("td", {}, badge(a.eligible ? t("eligible") : t("not_eligible"), a.eligible ? "" : "bad"), rulesList(a.eligibility)),
      h("td", {}, statusBadge("a_", a.status), a.booths.length ? h("div", {}, t("booth") + ": " + a.booths.join(", ")) : null, a.reason ? h("div", { class: "muted" }, a.reason) : null),
      h("td", { class: "actions" }, ["submitted", "waitlisted"].includes(a.status) && h("button", { type: "button", dataset: { act: "approve" }, onclick: review(a, "approve") }, t("approve")),
        ["submitted", "approved"].includes(a.status) && h("button", { type: "button", class: "secondary", onclick: review(a, "waitlist") }, t("waitlist")),
        ["submitted", "waitlisted", "approved"].includes(a.status) && h("button", { type: "button", class: "danger", onclick: review(a, "reject") }, t("reject"))))))) : h("p", { class: "muted" }, t("none")));
}

async function fairAlloc(f) {
  const out = h("div", { id: "alloc-result" });
  const m = (await api("GET", `/api/fairs/${f.id}/booths`)).data;
  const mapBox = h("div", {}, boothMap(m));
  const run = async () => {
    const r = await api("POST", `/api/fairs/${f.id}/allocation`);
    if (!r.ok) { toast(r.data.detail || t("failed")); return; }
    const p = r.data;
    const proposed = new Set(p.placements.flatMap((x) => x.booths));
    const preview = { ...m, booths: m.booths.map((b) => (proposed.has(b.code) ? { ...b, status: "reserved" } : b)) };
    mapBox.replaceChildren(boothMap(preview));
    out.replaceChildren(
      h("h2", {}, t("placed") + ": " + p.placements.length),
      h("table", {}, h("tbody", {}, p.placements.map((x) => h("tr", {}, h("td", {}, x.producer_name), h("td", {}, x.booths.join(", ")), h("td", {}, x.zone))))),
      h("h2", {}, t("unplaced") + ": " + p.unplaced.length),
      h("table", {}, h("tbody", {}, p.unplaced.map((x) => h("tr", {}, h("td", {}, x.producer_name), h("td", {}, x.reason))))),
      h("div", { class: "actions" }, h("button", { type: "button", id: "commit-alloc", onclick: async () => {
        const c = await api("POST", `/api/fairs/${f.id}/allocation/commit`);
        toast(c.ok ? t("saved") + ": " + c.data.committed.length : (c.data.detail || t("failed")));
        render(true);
      } }, t("commit_alloc"))));
  };
  return h("div", {}, h("div", { class: "card" }, h("div", { class: "actions" }, h("button", { type: "button", id: "run-alloc", onclick: run }, t("run_alloc"))), out), h("div", { class: "card" }, mapBox));
}

async function fairB2B(f) {
  const d = (f.b2b_days || [])[0] || {};
  const grid = h("div", { id: "b2b-grid" });
  const showGrid = async () => {
    const a = (await api("GET", `/api/fairs/${f.id}/agenda`)).data;
    if (!a || !a.grid) return;
    grid.replaceChildren(...a.grid.map((day) => h("div", { class: "tablewrap" }, h("h2", {}, date(day.day)),
      h("table", { class: "agenda" }, h("thead", {}, h("tr", {}, h("th", {}, t("slot")), Array.from({ length: day.tables }, (_, i) => h("th", {}, t("table") + " " + (i + 1))))),
        h("tbody", {}, day.slots.map((s) => h("tr", {}, h("td", { class: "slot" }, s.slot + " · " + time(s.starts_at)),
          Array.from({ length: day.tables }, (_, i) => { const cell = s.cells.find((x) => x.table === i + 1); return h("td", {}, cell ? [cell.buyer_name, h("br"), h("span", { class: "muted" }, cell.producer_name)] : ""); }))))))));
  };
  showGrid();
  // The revision the last save answered: a run right after it waits until matchmaking has it.
  let savedRevision = 0;
  return h("div", {}, h("div", { class: "card" }, h("h2", {}, t("b2b_days")), form([
    { name: "date", label: t("day"), type: "date", value: d.date || f.start_date }, { name: "start_time", label: t("start_time"), type: "time", value: d.start_time || "08:00" },
    { name: "slot_minutes", label: t("slot_minutes"), type: "number", value: d.slot_minutes || 20 }, { name: "slots", label: t("slots"), type: "number", value: d.slots || 12 },
    { name: "morning_slots", label: t("morning_slots"), type: "number", value: d.morning_slots || 6 }, { name: "tables", label: t("tables"), type: "number", value: d.tables || 10 },
  ], t("save"), async (v) => {
    const r = await api("PUT", `/api/fairs/${f.id}/b2b-sessions`, { days: [{ date: v.date, start_time: v.start_time, slot_minutes: Number(v.slot_minutes), slots: Number(v.slots), morning_slots: Number(v.morning_slots), tables: Number(v.tables) }] });
    if (r.ok) {
      savedRevision = r.data.revision || 0;
      toast(t("saved"));
    }
    return r;
  }, { id: "b2b" }), h("div", { class: "actions" }, h("button", { type: "button", id: "run-schedule", onclick: async () => {
    const r = await api("POST", `/api/fairs/${f.id}/schedule?time_limit_ms=3000` + (savedRevision ? `&fair_revision=${savedRevision}` : ""));
    toast(r.ok ? r.data.days.map((x) => `${date(x.day)}: ${x.meetings} · ${x.status}`).join("; ") || t("none") : (r.data.detail || t("failed")));
    showGrid();
  } }, t("run_schedule")))), h("div", { class: "card" }, h("h2", {}, t("agenda")), grid));
}

function bars(entries) {
  const maxV = Math.max(1, ...entries.map((e) => e[1]));
  return h("div", { class: "bars" }, entries.map(([label, v]) => h("div", { class: "row" }, h("span", {}, label), h("div", { class: "bar", style: `width:${(100 * v) / maxV}%` }), h("span", {}, num(v)))));
}

async function fairReport(f, ref) {
  const r = (await api("GET", `/api/fairs/${f.id}/report`)).data;
  const sectorName = (code) => (ref.sectors.find((s) => s.code === code) || {})["name_" + S.lang] || code;
  return h("div", { id: "report" }, h("div", { class: "actions" },
      h("a", { href: `/api/fairs/${f.id}/exhibitors?format=csv`, onclick: download }, t("download_csv")), " · ",
      h("a", { href: `/api/fairs/${f.id}/exhibitors?format=xlsx`, onclick: download }, t("download_xlsx")), " · ",
      h("a", { href: `/api/fairs/${f.id}/booths?format=xlsx`, onclick: download }, t("tab_map") + " (Excel)")),
    h("div", { class: "grid2" },
      h("div", { class: "card" }, h("h2", {}, t("booths_by_status")), bars(Object.entries(r.booths.by_status).map(([k, v]) => [t("b_" + k), v])),
        h("p", {}, t("occupancy") + ": " + r.booths.occupancy_percent + "%")),
      h("div", { class: "card" }, h("h2", {}, t("by_stars")), bars([["5★", r.exhibitors.by_stars["5"]], ["4★ (" + (S.lang === "vi" ? "tiềm năng 5★" : "potential 5★") + ")", r.exhibitors.by_stars.potential_5], ["4★", r.exhibitors.by_stars["4"]], ["3★", r.exhibitors.by_stars["3"]]])),
      h("div", { class: "card" }, h("h2", {}, t("by_province")), bars((r.exhibitors.by_province || []).map((p) => [p.name, p.exhibitors]))),
      h("div", { class: "card" }, h("h2", {}, t("by_sector_chart")), bars((r.exhibitors.by_sector || []).map((s) => [sectorName(s.sector), s.exhibitors]))),
      h("div", { class: "card" }, h("h2", {}, t("meetings")), bars(Object.entries(r.meetings.by_outcome).map(([k, v]) => [t("o_" + k), v])),
        h("p", {}, `${t("mous")}: ${r.meetings.mous} · ${t("contracts")}: ${r.meetings.contracts} · ${t("contract_value")}: ${money(r.meetings.contract_value_vnd)}`)),
      h("div", { class: "card" }, h("h2", {}, t("exhibitors") + ": " + r.exhibitors.total), h("p", {}, t("subsidy_total") + ": " + money(r.subsidy.total_vnd)))));
}

// download fetches with the token and saves the file (links cannot carry the header).
async function download(ev) {
  ev.preventDefault();
  const href = ev.currentTarget.getAttribute("href");
  const res = await fetch(href, { headers: { Authorization: "Bearer " + S.token } });
  if (!res.ok) { toast(t("failed")); return; }
  const blob = await res.blob();
  const name = (res.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
  const a = h("a", { href: URL.createObjectURL(blob), download: name ? name[1] : "ocopfair" });
  document.body.append(a);
  a.click();
  a.remove();
}

async function viewImport() {
  const out = h("div", { id: "import-report" });
  const unclaimed = h("div", { class: "card", id: "unclaimed" }, await unclaimedList());
  return h("div", {}, h("h1", {}, t("import")), h("div", { class: "card" }, form([{ name: "file", label: t("import_file"), type: "file", accept: ".csv,.xlsx", full: true }], t("import_run"), async (v) => {
    if (!v.file) return { ok: false, data: { errors: [{ field: "file", message: t("import_file") }] } };
    const r = await api("POST", "/api/producers/import", v.file);
    if (!r.ok) return r;
    const p = r.data;
    out.replaceChildren(h("p", {}, `${t("row")}: ${p.rows} · ✔ ${p.products_created} · ↷ ${p.skipped} · ✘ ${p.rejected}`),
      h("div", { class: "tablewrap" }, h("table", {}, h("tbody", {}, p.results.map((x) => h("tr", {}, h("td", {}, x.row), h("td", {}, badge(x.status, x.status === "rejected" ? "bad" : x.status === "skipped" ? "grey" : "")),
        h("td", {}, (x.errors || []).map((e) => h("div", {}, e.field + ": " + e.message)), x.note || "",
          x.claim_code ? h("div", { class: "claim-code" }, t("claim_code_short") + ": ", h("strong", {}, x.claim_code), x.claim_code_expires_at ? " · " + t("until") + " " + date(x.claim_code_expires_at) : "") : null)))))),
      p.results.some((x) => x.claim_code) ? h("p", { class: "muted" }, t("claim_code_hint")) : null);
    unclaimed.replaceChildren(await unclaimedList());
    return r;
  }, { id: "import" })), out, unclaimed);
}

// imported profiles no producer has claimed yet, each with the state of its code and a button
// that issues a new one (shown once, in its row)
async function unclaimedList() {
  const items = await all("/api/producers/unclaimed");
  const state = (c) => !c ? "" : c.code_outstanding ? t("claim_outstanding") + " · " + t("until") + " " + date(c.code_expires_at)
    : c.code_locked ? t("claim_locked") : c.code_expires_at ? t("claim_expired") : t("claim_none");
  return h("div", {}, h("h2", {}, t("unclaimed")), h("p", { class: "muted" }, t("unclaimed_hint")), items.length ? h("div", { class: "tablewrap" }, h("table", { id: "unclaimed-list" }, h("tbody", {}, items.map((x) => {
    const cell = h("td", { class: "claim-state" }, state(x.claim));
    const issue = h("button", { type: "button", class: "secondary", onclick: async () => {
      if (!confirm(t("claim_new_confirm").replace("{name}", x.legal_name))) return;
      issue.disabled = true;
      const r = await api("POST", `/api/producers/${x.id}/claim-code`);
      issue.disabled = false;
      if (!r.ok) { toast((r.data && r.data.detail) || t("failed")); return; }
      cell.replaceChildren(h("div", { class: "claim-code" }, t("claim_code_short") + ": ", h("strong", {}, r.data.claim_code), " · " + t("until") + " " + date(r.data.expires_at)), h("div", { class: "muted" }, t("claim_code_hint")));
    } }, t("claim_new"));
    return h("tr", { dataset: { producer: x.id } }, h("td", {}, x.legal_name, h("div", { class: "muted" }, x.tax_code + " · " + x.province.name)), cell, h("td", {}, issue));
  })))) : h("p", { class: "muted" }, t("none")));
}

async function viewAdmin() {
  const list = (await api("GET", "/api/accounts?role=organiser&limit=100")).data;
  return h("div", {}, h("h1", {}, t("admin")), h("div", { class: "card" }, h("h2", {}, t("new_organiser")), form([
    { name: "name", label: t("name") }, { name: "email", label: t("email"), type: "email" }, { name: "password", label: t("password"), type: "password", autocomplete: "new-password" },
  ], t("create"), async (v) => {
    const r = await api("POST", "/api/accounts", { ...v, role: "organiser" }, { idem: idem() });
    if (r.ok) { toast(t("saved")); render(true); }
    return r;
  }, { id: "new-organiser" })), h("div", { class: "card" }, h("h2", {}, t("accounts")), h("table", {}, h("tbody", {}, ((list && list.items) || []).map((a) => h("tr", {}, h("td", {}, a.name), h("td", {}, a.email)))))));
}

// ---------- producer ----------
async function viewProducer() {
  const ref = await reference();
  const me = await api("GET", "/api/producers/me");
  const provinces = sortBy(ref.provinces, (p) => p.name);
  if (!me.ok) {
    return h("div", {}, h("h1", {}, t("profile")), h("div", { class: "card" }, form([
      { name: "legal_name", label: t("legal_name"), full: true },
      { name: "kind", label: t("producer_kind"), type: "select", options: ["cooperative", "enterprise", "household_business", "cooperative_group"].map((k) => [k, t("k_" + k)]) },
      { name: "tax_code", label: t("tax_code") }, { name: "province", label: t("province"), type: "select", options: opt(provinces, "code", "name") },
      { name: "commune", label: t("commune") }, { name: "phone", label: t("phone"), type: "tel" }, { name: "email", label: t("email"), type: "email" },
      { name: "claim_code", label: t("claim_code"), autocomplete: "off", full: true },
    ], t("save"), async (v) => {
      if (!v.claim_code) delete v.claim_code;
      const r = await api("POST", "/api/producers", v, { idem: idem() });
      if (r.ok) { toast(t("saved")); render(true); }
      return r;
    }, { id: "producer-profile" })));
  }
  const p = me.data;
  const products = await all(`/api/producers/${p.id}/products`);
  const sets = ref.criteria_sets.map((c) => [c.number, `${c.number}. ${c.group}${c.sub_group ? " — " + c.sub_group : ""}`]);
  return h("div", {}, h("h1", {}, p.legal_name),
    h("div", { class: "card" }, h("p", {}, t("k_" + p.kind), " · ", p.province.name, " · ", p.commune, " · ", p.phone), h("p", { class: "muted" }, t("tax_code") + ": " + p.tax_code)),
    h("div", { class: "card tablewrap" }, h("h2", {}, t("products")), products.length ? h("table", { id: "product-list" }, h("tbody", {}, products.map((x) => h("tr", {},
      h("td", {}, x.name_vi), h("td", {}, x.stars + "★" + (x.potential_five_star ? " (" + (S.lang === "vi" ? "tiềm năng 5★" : "potential 5★") + ")" : "")),
      h("td", {}, statusBadge("c_", x.certificate_status), h("div", { class: "muted" }, x.certificate.decision_no + " · " + date(x.certificate.expires_on))))))) : h("p", { class: "muted" }, t("none"))),
    h("div", { class: "card" }, h("h2", {}, t("add_product")), form([
      { name: "name_vi", label: t("product_name"), full: true }, { name: "criteria_set", label: t("criteria_set"), type: "select", options: sets },
      { name: "stars", label: t("stars"), type: "select", options: [["3", "3★"], ["4", "4★"], ["5", "5★"], ["4p", "4★ + " + (S.lang === "vi" ? "tiềm năng 5★" : "potential 5★")]] },
      { name: "decision_no", label: t("decision_no") }, { name: "issued_by", label: t("issued_by") }, { name: "issued_on", label: t("issued_on"), type: "date" },
      { name: "unit", label: t("unit"), type: "select", options: opt(ref.units, "code", (u) => (S.lang === "vi" ? u.name_vi : u.name_en)) },
      { name: "monthly_capacity", label: t("capacity"), type: "number", min: 0 }, { name: "price_min_vnd", label: t("price_min"), type: "number", min: 0 },
    ], t("add_product"), async (v) => {
      const body = { name_vi: v.name_vi, criteria_set: Number(v.criteria_set), stars: v.stars === "4p" ? 4 : Number(v.stars), potential_five_star: v.stars === "4p",
        certificate: { decision_no: v.decision_no, issued_by: v.issued_by, issued_on: v.issued_on }, unit: v.unit,
        monthly_capacity: num0(v.monthly_capacity), price_min_vnd: num0(v.price_min_vnd) };
      const r = await api("POST", `/api/producers/${p.id}/products`, body, { idem: idem() });
      if (r.ok) { toast(t("saved")); render(true); }
      return r;
    }, { id: "new-product" })));
}

async function viewOpenFairs() {
  const me = await api("GET", "/api/producers/me");
  if (!me.ok) return h("p", {}, h("a", { href: "#/producer" }, t("profile")));
  const [fairs, products] = await Promise.all([api("GET", "/api/fairs?status=published&limit=100"), all(`/api/producers/${me.data.id}/products`)]);
  const items = ((fairs.data && fairs.data.items) || []).filter((f) => f.accepts_applications_now);
  const prods = products.filter((p) => p.certificate_status !== "expired");
  return h("div", {}, h("h1", {}, t("my_fairs")), items.length ? items.map((f) => h("div", { class: "card", dataset: { fair: f.id } },
    h("h2", {}, h("a", { href: "#/fair/" + f.id }, f.name_vi)), h("p", { class: "muted" }, f.host_province_name + " · " + date(f.start_date) + " – " + date(f.end_date) + " · " + t("apps_close") + " " + date(f.applications_close)),
    form([{ name: "product_ids", label: t("products"), type: "multiselect", options: prods.map((p) => [p.id, `${p.name_vi} (${p.stars}★)`]), value: prods.slice(0, 1).map((p) => p.id), full: true },
      { name: "booth_count", label: t("booth_count"), type: "number", value: 1, min: 1 }, { name: "preferred_zone", label: t("preferred_zone") }],
    t("apply"), async (v) => {
      const r = await api("POST", `/api/fairs/${f.id}/applications`, { product_ids: v.product_ids, booth_count: Number(v.booth_count), preferred_zone: v.preferred_zone }, { idem: idem() });
      if (r.ok) { toast(t("saved")); location.hash = "#/producer/apps"; }
      return r;
    }, { id: "apply-" + f.id }))) : h("p", { class: "muted" }, t("none")));
}

async function viewMyApps() {
  const apps = await all("/api/applications");
  return h("div", {}, h("h1", {}, t("my_apps")), apps.length ? apps.map((a) => h("div", { class: "card", dataset: { app: a.id } },
    h("h2", {}, a.fair_name || a.fair_id, " ", h("span", { class: "app-status" }, statusBadge("a_", a.status))),
    a.booths.length ? h("p", { class: "booth-codes" }, t("your_booth") + ": " + a.booths.join(", "), " · ", h("a", { href: "#/fair/" + a.fair_id }, t("tab_map"))) : null,
    a.reason ? h("p", {}, t("reason") + ": " + a.reason) : null, rulesList(a.eligibility),
    ["submitted", "approved", "waitlisted"].includes(a.status) && h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: async () => {
      const r = await api("POST", `/api/applications/${a.id}/withdraw`);
      toast(r.ok ? t("saved") : (r.data.detail || t("failed")));
      render(true);
    } }, t("withdraw"))))) : h("p", { class: "muted" }, t("none")));
}

function factors(m) {
  return h("div", {}, (m.factors || []).map((f) => h("div", { class: "factor" }, h("span", { class: "score" }, Math.round(f.score * 100) + "%"), " ", f.reason)));
}

async function viewOpportunities() {
  const me = await api("GET", "/api/producers/me");
  if (!me.ok) return h("p", {}, h("a", { href: "#/producer" }, t("profile")));
  const list = (await api("GET", `/api/producers/${me.data.id}/opportunities`)).data || [];
  return h("div", {}, h("h1", {}, t("opportunities")), list.length ? list.map((o) => h("div", { class: "card" },
    h("h2", {}, o.request.title, " · ", h("span", { class: "score" }, Math.round(o.match.score * 100) + "%")), h("p", { class: "muted" }, o.buyer_name), factors(o.match))) : h("p", { class: "muted" }, t("none")));
}

// ---------- buyer ----------
async function viewBuyer() {
  const ref = await reference();
  const me = await api("GET", "/api/buyers/me");
  const provinces = sortBy(ref.provinces, (p) => p.name);
  const kinds = ["supermarket_chain", "convenience_chain", "distributor", "wholesale_market", "exporter", "ecommerce", "hotel", "restaurant", "industrial_catering", "tourism_shop", "other"];
  if (!me.ok) {
    return h("div", {}, h("h1", {}, t("buyer_profile")), h("div", { class: "card" }, form([
      { name: "name", label: t("name"), full: true }, { name: "kind", label: t("buyer_kind"), type: "select", options: kinds.map((k) => [k, k.replace(/_/g, " ")]) },
      { name: "province", label: t("province"), type: "select", options: opt(provinces, "code", "name") }, { name: "markets", label: t("markets"), value: "domestic" },
    ], t("save"), async (v) => {
      const r = await api("POST", "/api/buyers", { name: v.name, kind: v.kind, province: v.province, markets: csv(v.markets) }, { idem: idem() });
      if (r.ok) { toast(t("saved")); render(true); }
      return r;
    }, { id: "buyer-profile" })));
  }
  const b = me.data;
  const [reqs, fairs] = await Promise.all([api("GET", `/api/buyers/${b.id}/requests?limit=100`), api("GET", "/api/fairs?limit=100")]);
  const items = (reqs.data && reqs.data.items) || [];
  const fairOpts = [["", "—"], ...((fairs.data && fairs.data.items) || []).map((f) => [f.id, f.name_vi])];
  const sets = ref.criteria_sets.map((c) => [String(c.number), `${c.number}. ${c.group}${c.sub_group ? " — " + c.sub_group : ""}`]);
  return h("div", {}, h("h1", {}, b.name), h("div", { class: "card tablewrap" }, h("h2", {}, t("requests")), items.length ? h("table", { id: "request-list" }, h("tbody", {}, items.map((r) => h("tr", {},
    h("td", {}, h("a", { href: "#/request/" + r.id }, r.title)), h("td", {}, r.monthly_volume ? num(r.monthly_volume) + " " + r.unit : ""), h("td", {}, r.target_market), h("td", {}, badge(r.status, r.status === "open" ? "" : "grey")))))) : h("p", { class: "muted" }, t("none"))),
  h("div", { class: "card" }, h("h2", {}, t("new_request")), form([
    { name: "title", label: t("title"), full: true }, { name: "criteria_sets", label: t("criteria_set"), type: "multiselect", options: sets, full: true },
    { name: "keywords", label: t("keywords") }, { name: "min_stars", label: t("min_stars"), type: "select", options: [["3", "3★"], ["4", "4★"], ["5", "5★"]] },
    { name: "monthly_volume", label: t("volume"), type: "number", min: 0 }, { name: "unit", label: t("unit"), type: "select", options: [["", "—"], ...opt(ref.units, "code", (u) => (S.lang === "vi" ? u.name_vi : u.name_en))] },
    { name: "target_market", label: t("target_market"), type: "select", options: [["domestic", "Việt Nam"], ["JP", "JP"], ["KR", "KR"], ["CN", "CN"], ["EU", "EU"], ["US", "US"], ["AU", "AU"]] },
    { name: "max_price_vnd", label: t("max_price"), type: "number", min: 0 }, { name: "fair_id", label: t("fair"), type: "select", options: fairOpts },
  ], t("create"), async (v) => {
    const body = { title: v.title, criteria_sets: v.criteria_sets.map(Number), keywords: csv(v.keywords), min_stars: Number(v.min_stars), monthly_volume: num0(v.monthly_volume),
      unit: v.unit || undefined, target_market: v.target_market, max_price_vnd: num0(v.max_price_vnd), fair_id: v.fair_id || undefined };
    const r = await api("POST", `/api/buyers/${b.id}/requests`, body, { idem: idem() });
    if (r.ok) { toast(t("saved")); location.hash = "#/request/" + r.data.id; }
    return r;
  }, { id: "new-request" })));
}

async function viewRequest(id) {
  const [req, me, fairs] = await Promise.all([api("GET", "/api/requests/" + id), api("GET", "/api/buyers/me"), api("GET", "/api/fairs?limit=100")]);
  if (!req.ok) return h("p", {}, req.data.detail);
  const r = req.data;
  const res = await api("GET", `/api/requests/${id}/matches?limit=20`);
  const matches = (res.data && res.data.matches) || [];
  const fairList = ((fairs.data && fairs.data.items) || []).filter((f) => !["cancelled", "completed", "draft"].includes(f.status));
  const fairSel = h("select", { id: "meeting-fair", "aria-label": t("fair") }, fairList.map((f) => h("option", { value: f.id, selected: f.id === r.fair_id }, f.name_vi)));
  const sessionSel = h("select", { id: "meeting-session", "aria-label": t("session") }, ["any", "morning", "afternoon"].map((s) => h("option", { value: s }, t("s_" + s))));
  return h("div", {}, h("h1", {}, r.title), h("p", { class: "muted" }, [r.monthly_volume ? num(r.monthly_volume) + " " + r.unit : "", r.target_market, (r.keywords || []).join(", ")].filter(Boolean).join(" · ")),
    h("div", { class: "card" }, h("label", { for: "meeting-fair" }, t("fair")), fairSel, h("label", { for: "meeting-session" }, t("session")), sessionSel),
    h("h2", {}, t("matches")), res.ok ? (matches.length ? h("div", { id: "matches" }, matches.map((m) => h("div", { class: "card", dataset: { producer: m.producer_id } },
      h("h2", {}, h("span", { class: "score" }, Math.round(m.score * 100) + "%"), " ", m.producer_name),
      h("p", { class: "muted" }, m.products.map((p) => p.name + " " + p.stars + "★").join(" · ")), factors(m),
      me.ok && h("div", { class: "actions" }, h("button", { type: "button", class: "request-meeting", onclick: async () => {
        if (!fairSel.value) { toast(t("fair")); return; }
        const x = await api("POST", `/api/fairs/${fairSel.value}/meetings`, { buyer_id: me.data.id, producer_id: m.producer_id, session: sessionSel.value }, { idem: idem() });
        toast(x.ok ? t("saved") : (x.data.detail || t("failed")));
      } }, t("request_meeting")))))) : h("p", { class: "muted" }, t("none"))) : h("p", {}, res.data.detail));
}

// ---------- meetings (both sides) ----------
async function viewMeetings() {
  const list = await all("/api/meetings");
  const c = claims();
  const side = c.role;
  const act = (m, path, body) => async () => {
    const r = await api("POST", `/api/meetings/${m.id}/${path}`, body);
    toast(r.ok ? t("saved") : (r.data.detail || t("failed")));
    render(true);
  };
  const fairsSeen = [...new Set(list.map((m) => m.fair_id))];
  return h("div", {}, h("h1", {}, t("meetings")), h("p", {}, fairsSeen.map((f) => h("a", { href: "#/agenda/" + f, class: "agenda-link" }, t("agenda") + " ›"))),
    list.length ? h("div", { class: "card tablewrap" }, h("table", { id: "meeting-list" }, h("tbody", {}, list.map((m) => h("tr", { dataset: { meeting: m.id } },
      h("td", {}, side === "buyer" ? m.producer_name : m.buyer_name, h("div", { class: "muted" }, t("s_" + m.session))),
      h("td", {}, statusBadge("m_", m.status), m.reason ? h("div", { class: "muted" }, m.reason) : null, m.slot ? h("div", {}, date(m.day) + " " + time(m.starts_at) + " · " + t("table") + " " + m.table) : null),
      h("td", { class: "actions" }, m.status === "requested" && m.requested_by !== side && [h("button", { type: "button", class: "accept", onclick: act(m, "accept") }, t("accept")), h("button", { type: "button", class: "secondary", onclick: act(m, "decline") }, t("decline"))],
        m.status === "accepted" && m.starts_at && new Date(m.starts_at) <= new Date() && h("select", { "aria-label": t("outcome"), onchange: (ev) => { const o = ev.target.value; if (!o) return; const v = o === "contract_signed" ? Number(prompt(t("value")) || 0) : 0; act(m, "outcome", { outcome: o, value_vnd: v })(); } },
          h("option", { value: "" }, t("outcome") + "…"), ["no_interest", "negotiating", "sample_requested", "mou_signed", "contract_signed"].map((o) => h("option", { value: o, selected: m.outcome === o }, t("o_" + o))))))))))
      : h("p", { class: "muted" }, t("none")));
}

async function viewAgenda(fairID) {
  const a = (await api("GET", `/api/fairs/${fairID}/agenda`)).data;
  const c = claims();
  const items = (a && a.meetings) || [];
  return h("div", {}, h("h1", {}, t("agenda")), items.length ? h("div", { class: "card tablewrap" }, h("table", { class: "agenda", id: "agenda" }, h("tbody", {}, items.map((m) => h("tr", {},
    h("td", { class: "slot" }, date(m.day) + " " + time(m.starts_at)), h("td", {}, t("table") + " " + m.table), h("td", {}, c.role === "buyer" ? m.producer_name : m.buyer_name))))))
    : h("p", { class: "muted" }, t("none")));
}

// ---------- start ----------
$("#lang").addEventListener("click", () => { S.lang = S.lang === "vi" ? "en" : "vi"; localStorage.setItem("ocopfair.lang", S.lang); render(); });
$("#logout").addEventListener("click", logout);
window.addEventListener("hashchange", () => render());
if (S.token && !claims()) logout();
startLive();
render();
