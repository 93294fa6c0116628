// Organiser views of a fair: the list, the floor plan, the queue, allocation, B2B and the report.
"use strict";

// ---------- organiser: fairs ----------
// fairsShown keeps how many fairs each list showed (Xem thêm), through the redraws live updates make.
const fairsShown = new Map();

// fairBadge is a fair's status as people read it: a published fair says whether its applications
// are open, yet to open, or closed on their date (the organisers move it on by hand).
function fairBadge(f) {
  if (f.discarded) return badge(t("st_discarded"), "grey");
  if (f.status !== "published" || f.accepts_applications_now) return statusBadge("st_", f.status);
  const closed = Date.parse(f.applications_close) <= Date.now();
  return badge(t(closed ? "st_published_closed" : "st_published_soon"), closed ? "warn" : "grey");
}

// viewFairs lists the fairs not yet over, soonest first (#/fairs), or every fair, the latest
// first (#/fairs/all), a page at a time: however many fairs the provinces have held, the ones
// being worked on come first, and the newest of the rest.
async function viewFairs(all) {
  const c = claims();
  const canCreate = c && (c.role === "organiser" || c.role === "admin");
  const path = all ? "/api/fairs?order=desc" : "/api/fairs?status=draft,published,applications_closed,live&from=" + today();
  // An organiser who runs no fair yet is shown where to start (other organisers' fairs may be listed).
  const [ref, list, own] = await Promise.all([reference(), pagesOf(path, fairsShown.get(path) || 0),
    canCreate ? api("GET", c.role === "admin" ? "/api/fairs?limit=1" : "/api/fairs?organiser=me&limit=1") : null]);
  const fairs = list.items;
  const cols = ["fair_name", "kind", "host_province", "dates", "status"];
  const row = (f) => h("tr", {}, h("td", { "data-label": t(cols[0]) }, h("a", { href: "#/fair/" + f.id }, f.name_vi)), h("td", { "data-label": t(cols[1]) }, t("kind_" + f.kind)),
    h("td", { "data-label": t(cols[2]) }, f.host_province_name), h("td", { "data-label": t(cols[3]) }, date(f.start_date) + " – " + date(f.end_date)),
    h("td", { "data-label": t(cols[4]) }, fairBadge(f)));
  const provinces = sortBy(ref.provinces, (p) => p.name);
  const noneYet = own && own.ok && !((own.data && own.data.items) || []).length;
  const tab = (href, key, on) => h("a", { href, id: "fairs-" + key, class: on ? "active" : "", "aria-current": on ? "page" : undefined }, t("fairs_" + key));
  const tbody = h("tbody", {}, fairs.map(row));
  const more = h("div", { class: "actions" });
  const add = (items) => { tbody.append(...items.map(row)); fairsShown.set(path, tbody.rows.length); };
  pager(more, "fairs-more", add, () => tbody.querySelectorAll("tr"))
    .offer(list.cursor, (cursor) => api("GET", path + "&limit=50&cursor=" + encodeURIComponent(cursor)));
  const empty = !list.r.ok ? h("p", { class: "err" }, failure(list.r)) : h("p", { class: "muted", id: "fairs-none" }, t(all ? "none" : "fairs_none_current"));
  const toForm = () => goToField("#new-fair-name_vi");
  return h("div", {}, h("h1", {}, t("fairs")),
    canCreate && noneYet && guide("no-fair", t("empty_no_fair"), h("button", { type: "button", onclick: toForm }, t("empty_no_fair_go"))),
    // The form is below the list, far down on a phone: this takes the person there.
    canCreate && !noneYet && h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", id: "fairs-new", onclick: toForm }, t("new_fair"))),
    h("nav", { class: "tabs", "aria-label": t("fairs") }, tab("#/fairs", "current", !all), tab("#/fairs/all", "all", all)),
    h("div", { class: "card tablewrap" }, fairs.length ? [h("table", { id: "fair-list", class: "stack" }, h("thead", {}, h("tr", {}, cols.map((k) => h("th", {}, t(k))))), tbody), more] : empty),
    canCreate && h("div", { class: "card" }, h("h2", {}, t("new_fair")), followRegion(provinces, form([
      { name: "name_vi", label: t("fair_name"), full: true },
      { name: "kind", label: t("kind"), type: "select", options: ["fair", "trade_week", "regional_promotion", "b2b_conference"].map((k) => [k, t("kind_" + k)]) },
      // "Vùng xúc tiến" is one of Hà Nội's promotion groupings; the reference also lists the six
      // socio-economic regions, one of which shares a name with a grouping.
      { name: "region", label: t("region"), type: "select", value: promotionGroup(provinces, "01"),
        options: opt(ref.regions.filter((r) => r.promotion), "code", (r) => (S.lang === "en" ? r.name_en : r.name)) },
      { name: "host_province", label: t("host_province"), type: "select", value: "01", options: opt(provinces, "code", "name") },
      { name: "venue_name", label: t("venue") }, { name: "venue_address", label: t("address") },
      { name: "start_date", label: t("start_date"), type: "date", value: today(30) }, { name: "end_date", label: t("end_date"), type: "date", value: today(34) },
      { name: "applications_open", label: t("apps_open"), type: "date", value: today(0) }, { name: "applications_close", label: t("apps_close"), type: "date", value: today(20) },
      { name: "min_stars", label: t("min_stars"), type: "select", options: [["3", "3★"], ["4", "4★"], ["5", "5★"]] },
      { name: "max_booths", label: t("max_booths"), type: "number", value: 2, min: 1 },
      { name: "price", label: t("booth_price_standard"), type: "amount", value: 12000000 },
      // The other kinds a floor plan may draw, each with its price or none (the fair has no such booth).
      ...(ref.booth_kinds || []).filter((k) => k !== "standard").map((k) => ({ name: "price_" + k, path: "fees.booth_prices." + k, label: boothPriceLabel(k), type: "amount", hint: t("booth_price_none") })),
      { name: "subsidy", label: t("subsidy"), type: "number", value: 50, min: 0 },
    ], t("create"), async (v) => {
      const body = { name_vi: v.name_vi, kind: v.kind, region: v.region, host_province: v.host_province, venue: { name: v.venue_name, address: v.venue_address },
        start_date: v.start_date, end_date: v.end_date, applications_open: v.applications_open, applications_close: v.applications_close,
        eligibility: { min_stars: Number(v.min_stars), max_booths_per_producer: Number(v.max_booths) },
        fees: { booth_prices: { standard: v.price ?? 0 }, subsidy_percent: Number(v.subsidy), max_subsidised_booths: 2 } };
      for (const k of ref.booth_kinds || []) if (k !== "standard" && v["price_" + k] != null) body.fees.booth_prices[k] = v["price_" + k];
      const r = await api("POST", "/api/fairs", body, { idem: idem() });
      if (r.ok) { toast(t("saved")); location.hash = "#/fair/" + r.data.id; }
      return r;
    }, { id: "new-fair" }))));
}


// promotionGroup is the promotion grouping a province belongs to (Hà Nội's four).
function promotionGroup(provinces, code) {
  return (provinces.find((p) => p.code === code) || {}).promotion_group;
}

// followRegion keeps a new fair's region on its host province's grouping as the province is
// chosen, until the organiser picks a region of their own (a fair may promote another region).
function followRegion(provinces, f) {
  const region = f.elements.region;
  let picked = false;
  region.addEventListener("change", () => { picked = true; });
  // Drawn again (another language, a live update) with what was chosen: a region other than the
  // province's grouping was picked by hand.
  f.addEventListener("restored", () => { picked = region.value !== promotionGroup(provinces, f.elements.host_province.value); });
  f.elements.host_province.addEventListener("change", (ev) => {
    const group = promotionGroup(provinces, ev.target.value);
    if (!picked && group) region.value = group;
  });
  return f;
}

async function viewFair(id, tab) {
  tab = tab || "map";
  const [ref, fr] = await Promise.all([reference(), api("GET", "/api/fairs/" + id)]);
  if (!fr.ok) return h("p", {}, (fr.data && fr.data.detail) || "404");
  const f = fr.data;
  const c = claims();
  const manager = c && (c.role === "admin" || (f.organisers || []).includes(c.sub));
  const actionErr = h("p", { class: "err", id: "fair-actions-err", role: "alert" });
  const [cancelOpen, cancelBox] = (f.allowed_actions || []).includes("cancel") ? cancelFair(id, f.status === "draft") : [null, null];
  const head = h("div", {}, h("h1", { id: "fair-title", tabindex: -1 }, f.name_vi, " ", fairBadge(f)),
    h("p", { class: "muted" }, t("kind_" + f.kind), " · ", f.host_province_name, " · ", date(f.start_date), " – ", date(f.end_date), f.venue.name ? " · " + f.venue.name : ""),
    f.status === "cancelled" && h("p", { id: "fair-cancelled", tabindex: -1 }, f.discarded ? t("discarded_note") + " " : "", t("cancel_reason") + ": " + (f.cancel_reason || "")),
    // Each step of a fair's life is asked first, saying what it does (none is undone); a refusal
    // stays said under the buttons, and the keyboard goes to the fair's name and state.
    manager && h("div", { class: "actions", id: "fair-actions" }, (f.allowed_actions || []).filter((a) => a !== "cancel").map((a) =>
      h("button", { type: "button", class: "secondary", dataset: { action: a }, onclick: async (ev) => {
        if (!confirm(t("ask_" + a).replace("{name}", () => f.name_vi))) return;
        const btn = ev.currentTarget;
        btn.disabled = true;
        const r = await api("POST", `/api/fairs/${id}/${a}`).catch(offline);
        btn.disabled = false;
        if (!r.ok) { actionErr.textContent = failure(r); return; }
        toast(t("done_" + a));
        focusNextDraw("#fair-title");
        render(true);
      } }, t("act_" + a))), cancelOpen),
    manager && actionErr, cancelBox,
    manager && !["completed", "cancelled"].includes(f.status) && fairEdit(f, ref));
  const tabs = manager ? ["map", "apps", "alloc", "b2b", "report"] : ["map"];
  const tabBar = h("nav", { class: "tabs" }, tabs.map((x) => h("a", { href: `#/fair/${id}/${x}`, class: x === tab ? "active" : "", id: "tab-" + x }, t("tab_" + x))));
  const body = await ({ map: fairMap, apps: fairApps, alloc: fairAlloc, b2b: fairB2B, report: fairReport }[tab] || fairMap)(f, ref, manager);
  return h("div", {}, head, tabBar, body);
}

// fairEdit corrects a fair: its name, venue, dates and rules (while it takes applications: they
// are fixed once applications close), and each booth kind's price and the subsidy. Only what was
// changed is sent, so another organiser's change to something else stays.
function fairEdit(f, ref) {
  const open = ["draft", "published"].includes(f.status);
  const el = f.eligibility || {}, fe = f.fees || {}, prices = fe.booth_prices || {};
  const was = { name_vi: f.name_vi, venue_name: f.venue.name || "", venue_address: f.venue.address || "" };
  if (open) Object.assign(was, { start_date: f.start_date, end_date: f.end_date, applications_open: String(f.applications_open).slice(0, 10),
    applications_close: String(f.applications_close).slice(0, 10), min_stars: String(el.min_stars || 3), max_booths: String(el.max_booths_per_producer || 2) });
  const kinds = ref.booth_kinds || ["standard"];
  kinds.forEach((k) => { was["price_" + k] = prices[k] ?? null; });
  Object.assign(was, { subsidy: String(fe.subsidy_percent || 0), subsidised: String(fe.max_subsidised_booths || 0) });
  const fields = [
    { name: "name_vi", label: t("fair_name"), value: was.name_vi, full: true },
    { name: "venue_name", path: "venue.name", label: t("venue"), value: was.venue_name }, { name: "venue_address", path: "venue.address", label: t("address"), value: was.venue_address },
    ...(open ? [
      { name: "start_date", label: t("start_date"), type: "date", value: was.start_date }, { name: "end_date", label: t("end_date"), type: "date", value: was.end_date },
      { name: "applications_open", label: t("apps_open"), type: "date", value: was.applications_open }, { name: "applications_close", label: t("apps_close"), type: "date", value: was.applications_close },
      { name: "min_stars", path: "eligibility.min_stars", label: t("min_stars"), type: "select", value: was.min_stars, options: [["3", "3★"], ["4", "4★"], ["5", "5★"]] },
      { name: "max_booths", path: "eligibility.max_booths_per_producer", label: t("max_booths"), type: "number", value: was.max_booths, min: 1 }] : []),
    ...kinds.map((k) => ({ name: "price_" + k, path: "fees.booth_prices." + k, label: boothPriceLabel(k), type: "amount", value: was["price_" + k],
      hint: k === "standard" ? "" : t("booth_price_none") })),
    { name: "subsidy", path: "fees.subsidy_percent", label: t("subsidy"), type: "number", value: was.subsidy, min: 0 },
    { name: "subsidised", path: "fees.max_subsidised_booths", label: t("max_subsidised"), type: "number", value: was.subsidised, min: 0 },
  ];
  return h("details", { class: "fair-edit", id: "fair-edit" }, h("summary", {}, t("edit_fair")), open ? null : h("p", { class: "muted" }, t("edit_fair_closed")), form(fields, t("save"), async (v) => {
    const changed = (k) => String(v[k] ?? "").trim() !== String(was[k] ?? "");
    const body = {};
    if (changed("name_vi")) body.name_vi = v.name_vi;
    if (changed("venue_name") || changed("venue_address")) body.venue = { name: v.venue_name, address: v.venue_address };
    for (const k of ["start_date", "end_date", "applications_open", "applications_close"]) if (open && changed(k)) body[k] = v[k];
    // An object's members not named keep their values on the server; the prices are one map, so
    // those changed are laid on the fair's prices as they are now (another organiser's stay).
    const eligibility = {}, fees = {};
    if (open && changed("min_stars")) eligibility.min_stars = Number(v.min_stars);
    if (open && changed("max_booths")) eligibility.max_booths_per_producer = Number(v.max_booths);
    if (changed("subsidy")) fees.subsidy_percent = Number(v.subsidy);
    if (changed("subsidised")) fees.max_subsidised_booths = Number(v.subsidised);
    const priced = kinds.filter((k) => changed("price_" + k));
    if (priced.length) {
      const now = await api("GET", "/api/fairs/" + f.id).catch(offline);
      if (!now.ok) return now;
      const next = { ...((now.data.fees || {}).booth_prices || {}) };
      priced.forEach((k) => { if (v["price_" + k] == null) delete next[k]; else next[k] = v["price_" + k]; });
      fees.booth_prices = next;
    }
    if (Object.keys(eligibility).length) body.eligibility = eligibility;
    if (Object.keys(fees).length) body.fees = fees;
    if (!Object.keys(body).length) { toast(t("nothing_changed")); return { ok: true }; }
    const r = await api("PATCH", "/api/fairs/" + f.id, body);
    if (r.ok) { toast(t("saved")); focusNextDraw("#fair-edit > summary"); render(true); }
    return r;
  }, { id: "fair-edit-form" }));
}

// boothPriceLabel names the price field of booth kind k ("Giá gian góc (₫)").
const boothPriceLabel = (k) => t("booth_price_of").replace("{kind}", S.lang === "vi" ? boothKindName(k).toLowerCase() : boothKindName(k));

// cancelAsked holds the fairs whose cancel form is open, so that a page drawn again (the
// language switched) leaves it open; while it is, live updates wait (data-dirty, formsDirty).
const cancelAsked = new Set();

// Cancelling asks why in a form under the button, not a browser prompt: the reason is what
// exhibitors and buyers read, so it gets a labelled field, and an empty one is said under it.
function cancelFair(id, draft) {
  const box = h("div", { id: "fair-cancel", class: "card", hidden: !cancelAsked.has(id), dataset: cancelAsked.has(id) ? { dirty: "1" } : undefined });
  const open = h("button", { type: "button", class: "danger", id: "fair-cancel-open", "aria-expanded": String(!box.hidden), "aria-controls": "fair-cancel", onclick: () => {
    box.hidden = !box.hidden;
    if (box.hidden) { cancelAsked.delete(id); delete box.dataset.dirty; } else { cancelAsked.add(id); box.dataset.dirty = "1"; }
    open.setAttribute("aria-expanded", String(!box.hidden));
    if (!box.hidden) box.querySelector("textarea").focus();
  } }, t("act_cancel"));
  box.append(form([{ name: "reason", label: t("cancel_reason"), type: "textarea", full: true, maxlength: 500, hint: t(draft ? "cancel_hint_draft" : "cancel_hint") }], t("cancel_confirm"), async (v) => {
    const r = await api("POST", `/api/fairs/${id}/cancel`, { reason: v.reason });
    if (r.ok) { cancelAsked.delete(id); toast(t("saved")); focusNextDraw("#fair-cancelled"); render(true); }
    return r;
  }, { id: "fair-cancel-form" }));
  // Cancelling cannot be undone: its button says so by its colour, as the release of a booth does.
  box.querySelector("button[type=submit]").classList.add("danger");
  return [open, box];
}

async function fairMap(f, ref, manager) {
  const m = (await api("GET", `/api/fairs/${f.id}/booths`)).data;
  const c = claims();
  let highlight;
  if (c && c.role === "producer") {
    const me = await api("GET", "/api/producers/me");
    if (me.ok) highlight = me.data.id;
  }
  // #/fair/{id}/map?booth=A01 opens the map at that booth (the producer's application links here).
  const focus = new URLSearchParams(location.hash.split("?")[1] || "").get("booth") || undefined;
  const holder = boothMap(m, { highlight, focus, key: "map:" + f.id, colours: true, edit: manager ? { fairId: f.id, onSaved: () => render(true), assigns: ["published", "applications_closed", "live"].includes(f.status),
    most: (f.eligibility || {}).max_booths_per_producer } : undefined });
  // A plan without booths still shows its landmarks, and says what comes next: organisers lay
  // out rows of booths below and edit the plan; others learn the plan is not drawn yet.
  const empty = !m.booths.length && h("p", { class: "muted", id: "map-empty" }, t(manager ? "map_empty_org" : "map_empty"));
  const drawn = m.booths.length || manager || (m.landmarks || []).length;
  return h("div", {}, h("div", { class: "card" }, empty, drawn ? holder : null),
    manager && h("div", { class: "card" }, h("h2", {}, t("grid")), form([
      { name: "zone", label: t("zone"), value: "Khu A" }, { name: "prefix", label: t("prefix"), value: "A" },
      { name: "rows", label: t("rows"), type: "number", value: 2, min: 1 }, { name: "columns", label: t("columns"), type: "number", value: 10, min: 1 },
      // Each kind says its price, or that the fair sets none (its booths would be let for nothing).
      { name: "kind", label: t("booth_kind"), type: "select", options: ref.booth_kinds.map((k) => [k, boothKindName(k) + " · " + (k in ((f.fees || {}).booth_prices || {}) ? money(boothPrice(f, k)) : t("no_price"))]) },
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

// allocSaid keeps, per fair, what the last commit of an allocation did, said on the tab until
// the next run: a toast is gone before a hurried organiser reads it.
const allocSaid = new Map();

async function fairAlloc(f) {
  // saidLine says s ({ ok, text }) as allocSaid keeps it, role "status" or "alert".
  const saidLine = (s, role) => h("p", { class: s.ok ? "ok-line" : "err", id: "alloc-said", role, tabindex: -1 }, s.text);
  const said = allocSaid.get(f.id);
  const out = h("div", { id: "alloc-result" }, said ? saidLine(said, "status") : null);
  const m = (await api("GET", `/api/fairs/${f.id}/booths`)).data;
  const mapBox = h("div", {}, boothMap(m));
  // A live update waits while the proposal is asked for and while it is shown to be confirmed:
  // a redraw would take it away (or leave its answer on a page no longer shown).
  const run = async () => {
    allocSaid.delete(f.id);
    const r = await whilePending(out, api("POST", `/api/fairs/${f.id}/allocation`)).catch(offline);
    if (!r.ok) {
      allocSaid.set(f.id, { ok: false, text: failure(r) });
      out.replaceChildren(saidLine(allocSaid.get(f.id), "alert"));
      return;
    }
    out.dataset.dirty = "1";
    const p = r.data;
    const proposed = new Set(p.placements.flatMap((x) => x.booths));
    const preview = { ...m, booths: m.booths.map((b) => (proposed.has(b.code) ? { ...b, status: "reserved" } : b)) };
    mapBox.replaceChildren(boothMap(preview));
    out.replaceChildren(
      h("h2", {}, t("placed") + ": " + p.placements.length),
      h("div", { class: "tablewrap" }, h("table", { class: "stack", id: "alloc-placed" }, h("thead", {}, h("tr", {}, h("th", {}, t("legal_name")), h("th", {}, t("booth")), h("th", {}, t("zone")))),
        h("tbody", {}, p.placements.map((x) => h("tr", {}, h("td", { "data-label": t("legal_name") }, x.producer_name), h("td", { "data-label": t("booth") }, x.booths.join(", ")), h("td", { "data-label": t("zone") }, x.zone)))))),
      h("h2", {}, t("unplaced") + ": " + p.unplaced.length),
      h("div", { class: "tablewrap" }, h("table", { class: "stack", id: "alloc-unplaced" }, h("thead", {}, h("tr", {}, h("th", {}, t("legal_name")), h("th", {}, t("reason")))),
        h("tbody", {}, p.unplaced.map((x) => h("tr", {}, h("td", { "data-label": t("legal_name") }, x.producer_name), h("td", { "data-label": t("reason") }, x.reason)))))),
      h("div", { class: "actions" }, h("button", { type: "button", id: "commit-alloc", onclick: async (ev) => {
        // Committing assigns booths and tells every producer: it is confirmed, not one tap.
        if (!confirm(t("commit_confirm").replace("{n}", plural(p.placements.length, "n_producers")))) return;
        // It takes a moment: the button waits, so a second tap does not ask again.
        const btn = ev.currentTarget;
        btn.disabled = true;
        btn.setAttribute("aria-busy", "true");
        // The proposal shown, not a newer one another organiser asked for meanwhile.
        const c = await whilePending(out, api("POST", `/api/fairs/${f.id}/allocation/commit?proposal_id=${encodeURIComponent(p.proposal_id)}`)).catch(offline);
        allocSaid.set(f.id, c.ok ? { ok: true, text: t("alloc_committed").replace("{n}", plural(c.data.committed.length, "n_producers")) } : { ok: false, text: failure(c) });
        focusNextDraw("#alloc-said");
        render(true);
      } }, t("commit_alloc"))));
  };
  return h("div", {}, h("div", { class: "card" }, h("div", { class: "actions" }, h("button", { type: "button", id: "run-alloc", onclick: run }, t("run_alloc"))), out), h("div", { class: "card" }, mapBox));
}

function bars(entries) {
  const maxV = Math.max(1, ...entries.map((e) => e[1]));
  return h("div", { class: "bars" }, entries.map(([label, v]) => h("div", { class: "row" }, h("span", {}, label), h("div", { class: "bar", style: `width:${(100 * v) / maxV}%` }), h("span", {}, num(v)))));
}

// kpi is one figure of the dashboard: the number large, what it counts, and a line under it.
function kpi(id, n, label, sub) {
  return h("div", { class: "kpi", id: "kpi-" + id }, h("span", { class: "n" }, n), h("span", { class: "label" }, label), sub ? h("span", { class: "muted sub" }, sub) : null);
}

// dashboard is the fair at a glance, as its organisers follow it from the applications to the
// contracts: the figures that matter, then the meetings' way from asked to held.
function dashboard(r, m, ci) {
  const apps = r.applications || {};
  const asked = m ? m.requested + m.accepted + m.declined + m.cancelled : 0;
  const occupied = r.booths.total - (r.booths.by_status.available || 0);
  const attended = r.meetings_attended ?? r.meetings.attended;
  return h("div", { class: "card", id: "dashboard" }, h("h2", {}, t("dash_title")),
    h("div", { class: "kpis" },
      kpi("pending", num(apps.submitted || 0), t("dash_pending"), `${t("a_waitlisted")}: ${num(apps.waitlisted || 0)}`),
      kpi("approved", num(apps.approved || 0), t("dash_approved"), `${t("a_rejected")}: ${num(apps.rejected || 0)}`),
      kpi("booths", `${num(occupied)}/${num(r.booths.total)}`, t("dash_booths"), pct(r.booths.occupancy_percent)),
      m && kpi("requested", num(m.requested), t("dash_requested"), `${t("dash_asked")}: ${num(asked)}`),
      m && kpi("scheduled", num(m.scheduled), t("dash_scheduled"), `${t("dash_accepted")}: ${num(m.accepted)}`),
      kpi("held", num(r.meetings.held), t("dash_held"), attended !== undefined ? `${t("dash_attended")}: ${num(attended)}` : null),
      kpi("mous", num(r.meetings.mous), t("mous"), `${t("contracts")}: ${num(r.meetings.contracts)}`),
      kpi("value", money(r.meetings.contract_value_vnd), t("contract_value")),
      ci && kpi("checkins", num(ci.people), t("dash_checked_in"), `${t("dash_gate")}: ${num(ci.gate)} · ${t("dash_table")}: ${num(ci.table)}`),
      kpi("scans", num(r.scan_count || 0), t("dash_scans"))),
    m && h("div", { id: "meeting-funnel" }, h("h3", {}, t("dash_funnel")), bars([[t("dash_asked"), asked], [t("dash_accepted"), m.accepted], [t("dash_scheduled"), m.scheduled], [t("dash_held"), r.meetings.held]])),
    (r.scans_by_day || []).length ? h("div", { id: "scans-by-day" }, h("h3", {}, t("dash_scans_by_day")), bars(r.scans_by_day.map((d) => [date(d.day), d.count]))) : null);
}

// reportEvery is how often the report reads itself again while it is the page shown: check-ins
// at the gates and tables, and outcomes, come to organisers over no live stream.
const reportEvery = { ms: 30000 };

async function fairReport(f, ref) {
  clearTimeout(fairReport.timer);
  const shown = location.hash;
  const tick = () => {
    if (location.hash !== shown) return; // another page: it stops
    if (document.hidden) fairReport.timer = setTimeout(tick, reportEvery.ms);
    else redrawWhenFree(0);
  };
  fairReport.timer = setTimeout(tick, reportEvery.ms);
  // The badges checked in come from matchmaking's check-ins; a report read without them still shows.
  const [rr, mc, ci] = await Promise.all([api("GET", `/api/fairs/${f.id}/report`), api("GET", `/api/fairs/${f.id}/meetings/counts`, undefined, { quiet: true }),
    api("GET", `/api/fairs/${f.id}/checkins?limit=1`, undefined, { quiet: true }).catch(() => null)]);
  const r = rr.data;
  const sectorName = (code) => (ref.sectors.find((s) => s.code === code) || {})["name_" + S.lang] || code;
  return h("div", { id: "report" }, dashboard(r, mc.ok ? mc.data : null, ci && ci.ok && ci.data && ci.data.counts), h("div", { class: "actions" },
      // Buttons a finger can hit, not words in a line.
      h("a", { class: "button secondary", href: `/api/fairs/${f.id}/exhibitors?format=csv`, onclick: download }, t("download_csv")),
      h("a", { class: "button secondary", href: `/api/fairs/${f.id}/exhibitors?format=xlsx`, onclick: download }, t("download_xlsx")),
      h("a", { class: "button secondary", href: `/api/fairs/${f.id}/booths?format=xlsx`, onclick: download }, t("tab_map") + " (Excel)"),
      h("a", { class: "button secondary", id: "agenda-xlsx", href: `/api/fairs/${f.id}/agenda?format=xlsx`, onclick: download }, t("agenda_xlsx"))),
    h("div", { class: "grid2" },
      h("div", { class: "card" }, h("h2", {}, t("booths_by_status")), bars(Object.entries(r.booths.by_status).map(([k, v]) => [t("b_" + k), v])),
        h("p", {}, t("occupancy") + ": " + pct(r.booths.occupancy_percent))),
      h("div", { class: "card" }, h("h2", {}, t("by_stars")), bars([["5★", r.exhibitors.by_stars["5"]], ["4★ (" + t("potential_five") + ")", r.exhibitors.by_stars.potential_5], ["4★", r.exhibitors.by_stars["4"]], ["3★", r.exhibitors.by_stars["3"]]])),
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
  const res = await fetch(href, { headers: { Authorization: "Bearer " + S.token, "Accept-Language": S.lang } });
  if (!res.ok) { toast(t("failed")); return; }
  const blob = await res.blob();
  const name = (res.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
  const a = h("a", { href: URL.createObjectURL(blob), download: name ? name[1] : "ocopfair" });
  document.body.append(a);
  a.click();
  a.remove();
}
