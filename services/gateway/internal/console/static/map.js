// The floor plan: the hall drawn to scale in a box the person zooms and pans (buttons, wheel,
// pinch, drag, arrow keys), with zone names, a legend, a search that flies to an exhibitor's
// booth, a panel with the booth's details, and for organisers a mode that moves, resizes and
// retypes booths under the same no-overlap rule the API keeps. Each booth is a focusable button
// named by its code and state.
"use strict";

const sectorColours = { food: "#8bc34a", beverage: "#4fc3f7", medicinal: "#ba68c8", handicraft: "#ffb74d", ornamental: "#f06292", tourism: "#90a4ae" };
const statusColours = { available: "#ffffff", reserved: "#fff59d", assigned: "#66bb6a", blocked: "#bdbdbd" };
const conflictColour = "#ef5350";

// Pixels per metre: the whole plan fits its box at no more than max (a small plan is not blown
// up); the person zooms out to half of that and in to zoom times it, or to near, whichever is
// more. Labels keep one size on screen and hide when their booth is too small for them.
const mapScale = { max: 26, zoom: 12, near: 60, labelPx: 13, holderPx: 11, zonePx: 13 };

// The event service's rule (booth/overlap.go): every booth inside a square hall of this side,
// and two booths may cross by a rounding error and still only touch.
const mapHall = 2000;
const mapTouching = 0.001;

// The size a booth of each kind gets when its kind is chosen (the event service's defaults).
const kindSizes = { standard: [3, 3], corner: [3, 3], double: [6, 3], premium: [6, 6] };

// What a map looked like, by page (zoom, centre, colouring, chosen booth, edit mode): a live
// update redraws the page, and the person keeps their place. A new page starts afresh.
const mapViews = new Map();
// A producer's products as the booth panel shows them, by producer, for the page's life.
const mapProducts = new Map();
// A map covering the page (where full screen is not offered) is gone with its page: the next
// page scrolls again.
window.addEventListener("hashchange", () => { mapViews.clear(); mapProducts.clear(); document.body.classList.remove("map-overlay"); });

// boothName is what a booth is called to a screen reader and in the info line: "P21 – Đã phân:
// HTX Mật ong Bắc Hà (Mật ong bạc hà)".
function boothName(b) {
  let s = b.code + " – " + t("b_" + b.status);
  if (b.holder) s += ": " + b.holder.producer_name + (b.holder.products.length ? " (" + b.holder.products.join(", ") + ")" : "");
  return s;
}

function svgEl(tag, attrs) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

// boothsOverlap and insideHall are the event service's checks, so that the page refuses what
// the API would.
function boothsOverlap(a, b) {
  return Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > mapTouching && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > mapTouching;
}
function insideHall(b) {
  return b.x >= 0 && b.y >= 0 && b.x + b.w <= mapHall + mapTouching && b.y + b.h <= mapHall + mapTouching;
}

// conflictOf says why booth b cannot stand where it is among booths, or null when it can.
function conflictOf(b, booths) {
  if (!insideHall(b)) return t("map_outside").replace("{a}", b.code);
  const o = booths.find((x) => x.code !== b.code && boothsOverlap(b, x));
  return o ? t("map_overlap").replace("{a}", b.code).replace("{b}", o.code) : null;
}

const mapClamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const mapMetres = (v) => Math.round(v * 1000) / 1000;
const mapFmt = (v) => new Intl.NumberFormat(S.lang === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 2 }).format(v);

// mapProblem is a refusal in the words the API said it (in the page's language).
function mapProblem(r) {
  const p = r.data || {};
  const m = (p.errors || []).map((e) => e.message).join(" ") || p.detail || p.title || t("failed");
  // A field's message may start in lower case (it follows the field's name in a form).
  return m.charAt(0).toUpperCase() + m.slice(1);
}

// boothMap draws a fair's floor plan m. opts: by ("status" or "sector"), highlight (the
// signed-in producer's ID: its booths get a marker), key (where the view is remembered across
// live updates), focus (a booth code to fly to and open), colours (offer the colouring switch),
// edit ({ fairId, onSaved }: organisers may move and change booths).
function boothMap(m, opts = {}) {
  const kept = (opts.key && mapViews.get(opts.key)) || null;
  const st = { by: opts.by || "status", editing: false, step: 1, selected: null, scale: 0, cx: 0, cy: 0, query: "", ...(kept || {}) };
  if (!opts.edit) st.editing = false;
  // A view kept while it showed the whole plan shows the whole plan again, which booths added
  // since (a row of them generated) may have made larger: fitted anew, none is left off screen.
  if (kept && kept.fit) st.scale = 0;
  const remember = () => {
    if (opts.key) mapViews.set(opts.key, { by: st.by, editing: st.editing, step: st.step, selected: st.selected, scale: st.scale, cx: st.cx, cy: st.cy, query: st.query, fit: atFit() });
  };
  const booths = m.booths.map((b) => ({ ...b }));
  const byCode = new Map(booths.map((b) => [b.code, b]));
  const orig = new Map(m.booths.map((b) => [b.code, { ...b }]));
  const mine = (b) => !!(opts.highlight && b.holder && b.holder.producer_id === opts.highlight);
  const own = booths.find(mine) || null;

  // The plan's extent, with room above for the zone names.
  const extentOf = () => {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    const all = [...booths, ...(m.landmarks || [])];
    for (const b of all) { x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h); }
    if (!all.length) { x0 = 0; y0 = 0; x1 = 10; y1 = 5; }
    return { x: x0 - 1, y: y0 - 2, w: Math.max(x1 - x0, 10) + 2, h: Math.max(y1 - y0, 5) + 3 };
  };
  const plan = extentOf();

  // ---------- the drawing ----------
  const svg = svgEl("svg", { class: "map", id: "booth-map", role: "group", tabindex: 0, "aria-label": t("tab_map"), "aria-describedby": "map-keys" });
  const defs = svgEl("defs");
  const pattern = svgEl("pattern", { id: "plan-grid", width: 1, height: 1, patternUnits: "userSpaceOnUse" });
  const gridLine = svgEl("path", { d: "M1 0H0V1", fill: "none", stroke: "#d7dcd2", "stroke-width": 1, "vector-effect": "non-scaling-stroke" });
  pattern.append(gridLine);
  defs.append(pattern);
  const gridBack = svgEl("path", { class: "plan-grid", fill: "url(#plan-grid)", d: `M${plan.x - 50} ${plan.y - 50}h${plan.w + 100}v${plan.h + 100}h${-plan.w - 100}z` });
  const zoneLines = svgEl("g", { class: "zones", "aria-hidden": "true" });
  const boothLayer = svgEl("g", { class: "booths" });
  const zoneNames = svgEl("g", { class: "zone-names", "aria-hidden": "true" });
  const ownLayer = svgEl("g", { class: "own-marker", "aria-hidden": "true" });
  // In edit mode: the chosen booth's resize grip, and the zone being drawn.
  const handleLayer = svgEl("g", { class: "handles", "aria-hidden": "true" });
  const draftLayer = svgEl("g", { class: "zone-drafts", "aria-hidden": "true" });
  // Entrances, aisles, the stage... lie under the booths (landmarks.js).
  const marks = mapLandmarks(m, { booths, fairId: opts.edit && opts.edit.fairId, scale: () => st.scale, editing: () => st.editing, step: () => st.step,
    view: () => ({ x: st.cx - dims.W / 2 / st.scale, y: st.cy - dims.H / 2 / st.scale, w: dims.W / st.scale, h: dims.H / st.scale }),
    openPanel: (kids) => { panelCode = null; st.selected = null; remember(); select(null); panel.replaceChildren(...kids.filter(Boolean)); showPanel(true); },
    closePanel: () => { showPanel(false); }, say: (text, bad) => say(text, bad) });
  svg.append(defs, gridBack, marks.layer, zoneLines, boothLayer, zoneNames, ownLayer, draftLayer, handleLayer);

  const info = h("p", { class: "muted", id: "booth-info", "aria-live": "polite" }, "");
  const nodes = new Map();
  const fillOf = (b) => {
    let fill = statusColours[b.status];
    if (st.by === "sector" && b.holder && b.holder.sectors.length) fill = sectorColours[b.holder.sectors[0]] || fill;
    return fill;
  };
  const nameOf = (b) => boothName(b) + (mine(b) ? " · " + t("your_booth") : "") + " · " + b.zone;
  // The keyboard goes from booth to booth as the plan is read, row by row from the top left.
  for (const b of [...booths].sort((p, q) => p.y - q.y || p.x - q.x)) {
    const g = svgEl("g", { class: "booth" + (b.status === "assigned" ? " held" : ""), tabindex: 0, role: "button", "aria-label": nameOf(b) });
    g.dataset.code = b.code;
    const own = mine(b);
    const r = svgEl("rect", { fill: fillOf(b), stroke: own ? "#d32f2f" : "#555", "stroke-width": own ? 4 : 1, "vector-effect": "non-scaling-stroke" });
    r.dataset.code = b.code;
    r.dataset.status = b.status;
    const code = svgEl("text", { "aria-hidden": "true", class: "code" });
    code.textContent = b.code;
    g.append(r, code);
    let holder = null;
    if (b.holder) {
      holder = svgEl("text", { "aria-hidden": "true", class: "holder" });
      g.append(holder);
    }
    boothLayer.append(g);
    nodes.set(b.code, { g, r, code, holder });
  }

  // ---------- the page around it ----------
  const box = h("div", { class: "mapbox" }, svg);
  const zoomIn = h("button", { type: "button", class: "secondary", id: "map-zoom-in", "aria-label": t("map_zoom_in"), title: t("map_zoom_in") }, "+");
  const zoomOut = h("button", { type: "button", class: "secondary", id: "map-zoom-out", "aria-label": t("map_zoom_out"), title: t("map_zoom_out") }, "−");
  const zoomFit = h("button", { type: "button", class: "secondary", id: "map-fit", "aria-label": t("map_zoom_fit"), title: t("map_zoom_fit") }, "⤢");
  const fullBtn = h("button", { type: "button", class: "secondary", id: "map-full", "aria-label": t("map_full_screen"), title: t("map_full_screen"), "aria-pressed": "false" }, "⛶");
  let panelCode = null;
  const panel = h("aside", { class: "map-panel card", id: "booth-panel", hidden: true, "aria-labelledby": "booth-panel-title" });
  // showPanel shows or hides the panel; while it shows a booth or landmark, live updates leave
  // the page as it is (a redraw would close it under the person reading or editing it).
  function showPanel(on) {
    panel.hidden = !on;
    if (on) panel.dataset.dirty = "1";
    else delete panel.dataset.dirty;
  }
  const wheelHint = h("div", { class: "map-wheel-hint", id: "map-wheel-hint", hidden: true, "aria-hidden": "true" }, t(/Mac|iP/.test(navigator.platform) ? "map_wheel_hint_mac" : "map_wheel_hint"));
  // Each booth is a stop for the keyboard: the link before them skips them all, to what follows
  // the plan (its edit buttons and forms).
  const skip = h("a", { href: "#map-keys", class: "skip-link", id: "map-skip", onclick: (ev) => {
    ev.preventDefault();
    const after = [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex='0']")]
      .find((el) => !wrap.contains(el) && (wrap.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) && el.offsetParent !== null && !el.disabled);
    if (after) after.focus(); else keysHint.focus();
  } }, t("map_skip").replace("{n}", plural(booths.length, "n_booths")));
  const stage = h("div", { class: "map-stage" }, skip, box, wheelHint, h("div", { class: "map-zoom" }, zoomIn, zoomOut, zoomFit, fullBtn), panel);
  // A phone's hint speaks of fingers; a desk's of the mouse and the keyboard.
  const keysHint = h("p", { class: "muted map-keys", id: "map-keys", tabindex: -1 }, t(matchMedia("(pointer: coarse)").matches ? "map_keys_touch" : "map_keys"));
  const legend = h("div", { class: "legend" });
  const searchInput = h("input", { type: "search", id: "map-search", autocomplete: "off", placeholder: t("map_search_ph"), value: st.query, "aria-controls": "map-hits" });
  const hits = h("ul", { class: "map-hits", id: "map-hits", hidden: true });
  const search = h("form", { class: "map-search", role: "search", onsubmit: (ev) => { ev.preventDefault(); const first = hits.querySelector("button"); if (first) first.click(); } },
    h("label", { for: "map-search" }, t("map_search")), searchInput, hits);
  const colourBtns = opts.colours ? ["status", "sector"].map((k) => h("button", { type: "button", class: "secondary", id: "colour-" + k, "aria-pressed": String(st.by === k), onclick: () => recolour(k) }, t("by_" + k))) : [];
  const ownBtn = own ? h("button", { type: "button", class: "secondary", id: "to-own", onclick: () => flyToBooth(own, true) }, t("your_booth")) : null;
  const bar = h("div", { class: "map-bar" }, search, h("div", { class: "actions" }, colourBtns.length ? [h("span", { class: "muted" }, t("colour_by") + ":"), colourBtns] : null, ownBtn));
  const wrap = h("div", { class: "floorplan", id: "floorplan" }, bar, legend, stage, info, keysHint);

  // ---------- the view: scale (px per metre) and the centre shown ----------
  let dims = { W: 320, H: 240 }, fitScale = 10, minS = 5, maxS = 60, labelledAt = 0, anim = 0, goal = null;
  const zoomColumn = 56;
  // fitView is the whole plan in the part of the box left of the zoom buttons.
  const fitView = () => ({ x: plan.x + plan.w / 2 + zoomColumn / 2 / fitScale, y: plan.y + plan.h / 2, s: fitScale });
  const isFull = () => wrap.classList.contains("full");
  // layout sizes the view to its box. A view that showed the whole plan shows the whole plan
  // again at the new size (a turned phone, a resized window); refit asks for it whatever was shown.
  // scales are the fitting scale and the zoom's limits for this box and plan. The plan fits
  // beside the zoom buttons' column, not under it.
  function scales() {
    fitScale = Math.min((dims.W - zoomColumn) / plan.w, dims.H / plan.h, mapScale.max);
    minS = fitScale / 2;
    maxS = Math.max(fitScale * mapScale.zoom, mapScale.near);
  }
  // extendPlan widens the plan to take booth b when an organiser moved or grew it past the
  // plan's edge, so that the view still reaches it and "fit" still shows everything.
  function extendPlan(b) {
    const x0 = Math.min(plan.x, b.x - 1), y0 = Math.min(plan.y, b.y - 2);
    const x1 = Math.max(plan.x + plan.w, b.x + b.w + 1), y1 = Math.max(plan.y + plan.h, b.y + b.h + 1);
    if (x0 !== plan.x || y0 !== plan.y || x1 !== plan.x + plan.w || y1 !== plan.y + plan.h) setPlan({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
  }
  // resetPlan takes the plan back to the booths' extent (after an undo or a cancelled drag).
  function resetPlan() { setPlan(extentOf()); }
  function setPlan(e) {
    Object.assign(plan, e);
    gridBack.setAttribute("d", `M${plan.x - 50} ${plan.y - 50}h${plan.w + 100}v${plan.h + 100}h${-plan.w - 100}z`);
    scales();
  }
  // atFit says whether the view shows the whole plan, as fitView has it (or is not set yet).
  function atFit() {
    const f0 = fitView();
    return !st.scale || (Math.abs(st.scale - f0.s) <= f0.s * 1e-6 && Math.abs(st.cx - f0.x) < 1e-3 && Math.abs(st.cy - f0.y) < 1e-3);
  }
  function layout(refit) {
    const fit = refit || atFit();
    const W = box.clientWidth || 320;
    let H;
    if (isFull()) H = box.clientHeight || window.innerHeight;
    else {
      // Tall enough to zoom into on a phone even when the plan is wide, and never taller than
      // most of the screen.
      const room = Math.max(240, window.innerHeight * 0.7);
      H = Math.round(mapClamp(plan.h * Math.min((W - zoomColumn) / plan.w, mapScale.max), Math.min(room, Math.max(240, window.innerHeight * 0.45)), room));
      box.style.height = H + "px";
    }
    dims = { W, H };
    scales();
    // A flight under way was aimed in the old box: a fresh fit ends it.
    if (refit) anim++;
    if (fit) { const f = fitView(); st.scale = f.s; st.cx = f.x; st.cy = f.y; }
    labelledAt = 0;
    apply();
  }
  function apply() {
    const { W, H } = dims;
    st.scale = mapClamp(st.scale, minS, maxS);
    st.cx = mapClamp(st.cx, plan.x, plan.x + plan.w);
    st.cy = mapClamp(st.cy, plan.y, plan.y + plan.h);
    const vw = W / st.scale, vh = H / st.scale;
    svg.setAttribute("viewBox", [st.cx - vw / 2, st.cy - vh / 2, vw, vh].map((v) => Math.round(v * 1000) / 1000).join(" "));
    svg.setAttribute("width", W);
    svg.setAttribute("height", H);
    if (st.scale !== labelledAt) {
      labelledAt = st.scale;
      for (const b of booths) place(b);
      marks.placeAll();
      drawZones();
      drawHandle();
    }
    drawOwn(); // its words follow the part of the plan on the screen
    zoomIn.disabled = st.scale >= maxS - 1e-9;
    zoomOut.disabled = st.scale <= minS + 1e-9;
    remember();
  }
  // place puts booth b's rectangle and labels where b is, at a size readable at this scale.
  function place(b) {
    const n = nodes.get(b.code);
    const s = st.scale;
    n.r.setAttribute("x", b.x);
    n.r.setAttribute("y", b.y);
    n.r.setAttribute("width", Math.max(b.w - 0.1, 0.1));
    n.r.setAttribute("height", Math.max(b.h - 0.1, 0.1));
    const f = mapScale.labelPx / s;
    n.code.setAttribute("font-size", f);
    n.code.setAttribute("x", b.x + 4 / s);
    n.code.setAttribute("y", b.y + f + 3 / s);
    const fits = b.w * s >= b.code.length * mapScale.labelPx * 0.62 + 6 && b.h * s >= mapScale.labelPx + 5;
    n.code.style.display = fits ? "" : "none";
    if (n.holder) {
      const hf = mapScale.holderPx / s;
      const room = Math.floor((b.w * s - 8) / (mapScale.holderPx * 0.56));
      const show = fits && room >= 6 && b.h * s >= mapScale.labelPx + mapScale.holderPx + 12;
      const name = b.holder.producer_name;
      n.holder.textContent = show ? (name.length > room ? name.slice(0, room - 1) + "…" : name) : "";
      n.holder.setAttribute("font-size", hf);
      n.holder.setAttribute("x", b.x + 4 / s);
      n.holder.setAttribute("y", b.y + f + hf + 6 / s);
      n.holder.style.display = show ? "" : "none";
    }
  }
  // drawZones outlines each zone around its booths and writes its name above it.
  function drawZones() {
    const zones = new Map();
    for (const b of booths) {
      const z = zones.get(b.zone) || { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
      z.x0 = Math.min(z.x0, b.x); z.y0 = Math.min(z.y0, b.y); z.x1 = Math.max(z.x1, b.x + b.w); z.y1 = Math.max(z.y1, b.y + b.h);
      zones.set(b.zone, z);
    }
    const s = st.scale, g = 0.4;
    zoneLines.replaceChildren();
    zoneNames.replaceChildren();
    for (const [name, z] of zones) {
      zoneLines.append(svgEl("path", { class: "zone-outline", d: `M${z.x0 - g} ${z.y0 - g}H${z.x1 + g}V${z.y1 + g}H${z.x0 - g}Z`, "vector-effect": "non-scaling-stroke" }));
      const label = svgEl("text", { class: "zone-label", x: z.x0 - g, y: z.y0 - g - 4 / s, "font-size": mapScale.zonePx / s, "stroke-width": 3 / s });
      // A name longer than its zone is cut, so that neighbouring zones' names never run together.
      const room = Math.floor(((z.x1 - z.x0 + 2 * g) * s) / (mapScale.zonePx * 0.62));
      label.textContent = name.length > room ? (room > 3 ? name.slice(0, room - 1) + "…" : "") : name;
      zoneNames.append(label);
    }
  }
  // drawHandle puts a grip on the bottom-right corner of the chosen booth in edit mode: dragging
  // it resizes the booth on the grid (a finger gets a 44 px target around the visible dot).
  function drawHandle() {
    handleLayer.replaceChildren();
    const b = st.editing && picked && byCode.get(picked);
    if (!b || !editable(b)) return;
    const s = st.scale, x = b.x + b.w, y = b.y + b.h;
    // Never so large that it covers the booth's middle (where a drag moves it) or its neighbours.
    const room = 0.35 * Math.min(b.w, b.h);
    const hit = svgEl("circle", { class: "grip-hit", cx: x, cy: y, r: Math.min(22 / s, room) });
    hit.dataset.grip = b.code;
    handleLayer.append(svgEl("circle", { class: "grip", cx: x, cy: y, r: Math.min(7 / s, room * 0.7), "vector-effect": "non-scaling-stroke" }), hit);
  }
  // drawOwn puts a pin and "Gian của bạn" over the producer's own booth.
  function drawOwn() {
    ownLayer.replaceChildren();
    if (!own) return;
    const s = st.scale, px = 1 / s, x = own.x + own.w / 2, y = own.y + own.h / 2;
    ownLayer.append(svgEl("path", { class: "pin", d: `M${x} ${y}l${-8 * px} ${-14 * px}a${9 * px} ${9 * px} 0 1 1 ${16 * px} 0z` }),
      svgEl("circle", { cx: x, cy: y - 17 * px, r: 3.5 * px, fill: "#fff" }));
    // While the booth's centre is on the screen, the words stay within the plan's edges and the
    // part of it on the screen (a phone shows part of a wide plan), also over a booth at the edge.
    const half = (t("your_booth").length * 12 * 0.6 * px) / 2;
    const vw = dims.W / s;
    const left = Math.max(plan.x, st.cx - vw / 2), right = Math.min(plan.x + plan.w, st.cx + vw / 2 - zoomColumn * px); // not under the zoom buttons
    const lx = x < left || x > right ? x : left + half <= right - half ? mapClamp(x, left + half, right - half) : (left + right) / 2;
    const label = svgEl("text", { x: lx, y: y - 29 * px, "font-size": 12 * px, "stroke-width": 3 * px, "text-anchor": "middle" });
    label.textContent = t("your_booth");
    ownLayer.append(label);
  }

  // flyTo moves the view to centre (x, y) at scale s in ms milliseconds (at once when the person
  // asks for less motion); any gesture of theirs stops it.
  function flyTo(x, y, s, ms = 450) {
    const id = ++anim;
    s = mapClamp(s, minS, maxS);
    const from = { x: st.cx, y: st.cy, s: st.scale };
    goal = { id, x, y, s };
    const end = () => { st.cx = x; st.cy = y; st.scale = s; apply(); };
    if (!ms || (window.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches)) { end(); return Promise.resolve(); }
    const t0 = performance.now();
    return new Promise((done) => {
      const step = () => {
        if (id !== anim) { done(); return; }
        const p = Math.min(1, (performance.now() - t0) / ms);
        const e = p < 0.5 ? 2 * p * p : 1 - Math.pow(-2 * p + 2, 2) / 2;
        st.scale = from.s * Math.pow(s / from.s, e);
        st.cx = from.x + (x - from.x) * e;
        st.cy = from.y + (y - from.y) * e;
        apply();
        if (p < 1) requestAnimationFrame(step);
        else { anim++; done(); }
      };
      requestAnimationFrame(step);
      // A tab in the background gets no frames: the flight still ends where it should.
      setTimeout(() => { if (id === anim) { anim++; end(); done(); } }, ms + 200);
    });
  }
  // zoomAt zooms by factor keeping the point (px, py) of the box in place; presses in a row
  // add up from where the flight under way was going.
  function zoomAt(factor, px, py, ms = 0) {
    const { W, H } = dims;
    const at = goal && goal.id === anim ? { cx: goal.x, cy: goal.y, scale: goal.s } : st;
    const mx = at.cx + (px - W / 2) / at.scale, my = at.cy + (py - H / 2) / at.scale;
    const s = mapClamp(at.scale * factor, minS, maxS);
    const x = mx - (px - W / 2) / s, y = my - (py - H / 2) / s;
    if (ms) flyTo(x, y, s, ms);
    else { anim++; st.cx = x; st.cy = y; st.scale = s; apply(); }
  }
  // flyToBooth brings booth b to the middle of the view, closer, and opens its panel; where the
  // panel stands over the map (a wide screen, full screen) the booth goes to the middle of what
  // the panel leaves free.
  function flyToBooth(b, open) {
    if (open) openPanel(b);
    const { W, H } = dims;
    const s = mapClamp(Math.max(Math.min(W / (b.w * 5), H / (b.h * 4)), fitScale, Math.min(st.scale, maxS)), minS, maxS);
    const over = !panel.hidden && getComputedStyle(panel).position === "absolute";
    const pr = over ? panel.getBoundingClientRect() : null, br = box.getBoundingClientRect();
    // How far the free part's middle is left of the box's middle, and above it, in pixels.
    let dx = 0, dy = 0;
    if (pr && pr.left > br.left + br.width / 3) dx = (br.right - pr.left) / 2;
    else if (pr && pr.top > br.top + br.height / 4) dy = (br.bottom - pr.top) / 2;
    return flyTo(b.x + b.w / 2 + dx / s, b.y + b.h / 2 + dy / s, s);
  }
  // showBooth brings booth b into view without changing the scale, when it is not in view.
  function showBooth(b) {
    const { W, H } = dims, vw = W / st.scale, vh = H / st.scale;
    const x0 = st.cx - vw / 2, y0 = st.cy - vh / 2;
    if (b.x >= x0 && b.y >= y0 && b.x + b.w <= x0 + vw && b.y + b.h <= y0 + vh) return;
    flyTo(b.x + b.w / 2, b.y + b.h / 2, st.scale, 250);
  }
  zoomIn.addEventListener("click", () => zoomAt(1.5, dims.W / 2, dims.H / 2, 200));
  zoomOut.addEventListener("click", () => zoomAt(1 / 1.5, dims.W / 2, dims.H / 2, 200));
  zoomFit.addEventListener("click", () => { const f = fitView(); flyTo(f.x, f.y, f.s, 300); });

  // ---------- colours and legend ----------
  function drawLegend() {
    const entries = st.by === "status"
      ? Object.entries(statusColours).map(([k, c]) => h("span", { style: `--c:${c}` }, t("b_" + k)))
      : Object.entries(sectorColours).map(([k, c]) => h("span", { style: `--c:${c}` }, (S.ref && S.ref.sectors.find((s) => s.code === k) || {})["name_" + S.lang] || k));
    entries.push(...marks.legend());
    if (own) entries.push(h("span", { class: "own", style: "--c:#fff" }, t("your_booth")));
    if (st.editing) entries.push(h("span", { style: `--c:${conflictColour}` }, t("map_conflict")));
    legend.replaceChildren(...entries);
  }
  function recolour(by) {
    st.by = by;
    for (const b of booths) nodes.get(b.code).r.setAttribute("fill", fillOf(b));
    colourBtns.forEach((x) => x.setAttribute("aria-pressed", String(x.id === "colour-" + by)));
    drawLegend();
    check();
    remember();
  }

  // ---------- search ----------
  function findBooths(q) {
    const f = fold(q.trim());
    if (!f) return [];
    const out = [];
    for (const b of booths) {
      const product = b.holder && b.holder.products.find((p) => fold(p).includes(f));
      const byName = b.holder && fold(b.holder.producer_name).includes(f);
      const byCode = fold(b.code).startsWith(f);
      if (byName || product || byCode) out.push({ b, product, rank: byCode && fold(b.code) === f ? 0 : byName ? 1 : product ? 2 : 3 });
    }
    return out.sort((a, c) => a.rank - c.rank || collator.compare(a.b.code, c.b.code)).slice(0, 8);
  }
  function showHits() {
    st.query = searchInput.value;
    remember();
    const found = findBooths(st.query);
    hits.hidden = !st.query.trim();
    hits.replaceChildren(...(found.length ? found.map(({ b, product }) => h("li", {}, h("button", { type: "button", class: "secondary hit", dataset: { code: b.code }, onclick: () => {
      hits.hidden = true;
      select(b);
      flyToBooth(b, true);
    } }, h("strong", {}, b.holder ? b.holder.producer_name : t("booth") + " " + b.code), " · " + b.code, product ? h("span", { class: "muted" }, " — " + product) : null)))
      : [h("li", { class: "muted" }, t("map_no_hits"))]));
  }
  searchInput.addEventListener("input", showHits);
  // Up and down walk the hits; Esc goes back to the box.
  hits.addEventListener("keydown", (ev) => {
    const all = [...hits.querySelectorAll("button")], i = all.indexOf(document.activeElement);
    if (i < 0) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      const next = i + (ev.key === "ArrowDown" ? 1 : -1);
      if (next < 0) searchInput.focus(); else all[Math.min(next, all.length - 1)].focus();
    } else if (ev.key === "Escape") { ev.preventDefault(); hits.hidden = true; searchInput.focus(); }
  });
  searchInput.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown") { const first = hits.querySelector("button"); if (first) { ev.preventDefault(); first.focus(); } }
    if (ev.key === "Escape" && !hits.hidden) { ev.preventDefault(); hits.hidden = true; }
  });

  // ---------- the booth panel ----------
  let picked = null;
  function select(b) {
    svg.querySelectorAll(".picked").forEach((x) => x.classList.remove("picked"));
    if (b) nodes.get(b.code).g.classList.add("picked");
    picked = b ? b.code : null;
    drawHandle();
  }
  const row = (k, v) => [h("dt", {}, k), h("dd", {}, v)];
  // facts are what the panel says of booth b, as it is now (also while it is being edited).
  const facts = (b) => h("dl", { class: "panel-facts" }, row(t("zone"), b.zone), row(t("map_booth_size"), `${mapFmt(b.w)} × ${mapFmt(b.h)} m (${mapFmt(b.w * b.h)} m²)`),
    row(t("booth_kind"), boothKindName(b.kind)), row(t("status"), t("b_" + b.status)), b.price ? row(t("map_price"), money(b.price)) : null);
  function openPanel(b, focus = true) {
    panelCode = b.code;
    st.selected = b.code;
    remember();
    select(b);
    info.textContent = nameOf(b);
    const province = b.holder && ((S.ref && S.ref.provinces.find((p) => p.code === b.holder.province_code)) || {}).name;
    const products = h("ul", { class: "panel-products" }, b.holder ? b.holder.products.map((p) => h("li", {}, p)) : []);
    const stars = h("span", { class: "stars" });
    panel.replaceChildren(...[
      h("div", { class: "panel-head" }, h("h2", { id: "booth-panel-title", tabindex: -1 }, t("booth") + " " + b.code),
        h("button", { type: "button", class: "secondary close", id: "booth-panel-close", "aria-label": t("map_close"), title: t("map_close"), onclick: () => closePanel() }, "×")),
      mine(b) ? h("p", {}, badge(t("your_booth"), "own")) : null,
      facts(b),
      b.holder ? h("div", { class: "panel-holder" }, h("h3", {}, b.holder.producer_name, " ", stars), province ? h("p", { class: "muted" }, province) : null,
        b.holder.products.length ? [h("h4", {}, t("products")), products] : null) : null,
      st.editing ? editFields(b) : opts.edit && opts.edit.assigns ? boothAssignSection(b, opts.edit) : null].filter(Boolean));
    showPanel(true);
    if (focus) panel.querySelector("h2").focus({ preventScroll: !isFull() && window.innerWidth >= 700 });
    if (b.holder) holderProducts(b.holder).then((list) => {
      if (!list || !panel.isConnected || st.selected !== b.code) return;
      const named = list.filter((p) => b.holder.products.includes(p.name_vi));
      const shown = named.length ? named : list;
      const best = Math.max(0, ...shown.map((p) => p.stars || 0));
      stars.textContent = best ? best + "★" : "";
      products.replaceChildren(...shown.map((p) => h("li", {}, thumb(p.photo_url, p.name_vi), " ", p.name_vi, p.stars ? " · " + p.stars + "★" : "")));
    });
  }
  function closePanel() {
    showPanel(false);
    st.selected = null;
    remember();
    select(null);
    if (hits.contains(document.activeElement)) return;
    const n = nodes.get(panelCode);
    if (n) n.g.focus();
  }
  async function holderProducts(holder) {
    if (!mapProducts.has(holder.producer_id)) {
      mapProducts.set(holder.producer_id, api("GET", `/api/producers/${encodeURIComponent(holder.producer_id)}/products?limit=50`, undefined, { quiet: true })
        .then((r) => (r.ok && r.data ? r.data.items || [] : null)));
    }
    return mapProducts.get(holder.producer_id);
  }
  panel.addEventListener("keydown", (ev) => { if (ev.key === "Escape") { ev.preventDefault(); ev.stopPropagation(); closePanel(); } });

  // ---------- booths: pointer, keyboard and focus ----------
  const boothOf = (el) => { const g = el && el.closest && el.closest(".booth"); return g ? byCode.get(g.dataset.code) : null; };
  let justMoved = false;
  svg.addEventListener("click", (ev) => {
    if (justMoved) { justMoved = false; ev.stopPropagation(); return; }
    const b = boothOf(ev.target);
    if (b) openPanel(b, true);
  });
  svg.addEventListener("focusin", (ev) => {
    const b = boothOf(ev.target);
    if (!b) return;
    select(b);
    info.textContent = nameOf(b);
    // Focus that a pointer gave stays where the pointer is; the keyboard's is brought into view.
    if (!pointers.size) showBooth(b);
  });
  const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  svg.addEventListener("keydown", (ev) => {
    const b = boothOf(ev.target);
    const dir = arrows[ev.key];
    if (dir) {
      ev.preventDefault();
      if (st.editing && b && !editable(b) && ev.altKey) {
        say(t("map_locked").replace("{a}", b.code), true);
      } else if (st.editing && b && editable(b)) {
        const k = st.step * (ev.shiftKey ? 5 : 1);
        if (ev.altKey) {
          resizeTo(b, b.w + dir[0] * k, b.h + dir[1] * k);
          info.textContent = t("map_resized").replace("{a}", b.code).replace("{w}", mapFmt(b.w)).replace("{h}", mapFmt(b.h));
        } else {
          moveTo(b, b.x + dir[0] * k, b.y + dir[1] * k);
          info.textContent = t("map_moved").replace("{a}", b.code).replace("{x}", mapFmt(b.x)).replace("{y}", mapFmt(b.y));
        }
      } else {
        anim++;
        st.cx += (dir[0] * 80) / st.scale;
        st.cy += (dir[1] * 80) / st.scale;
        apply();
      }
      return;
    }
    if (ev.key === "+" || ev.key === "=") { ev.preventDefault(); zoomAt(1.5, dims.W / 2, dims.H / 2); return; }
    if (ev.key === "-" || ev.key === "_") { ev.preventDefault(); zoomAt(1 / 1.5, dims.W / 2, dims.H / 2); return; }
    if (ev.key === "0") { ev.preventDefault(); const f = fitView(); flyTo(f.x, f.y, f.s, 0); return; }
    if (b && drawing && ev.key === " ") { ev.preventDefault(); pickForZone(b); return; }
    if (b && drawing && ev.key === "Enter") {
      ev.preventDefault();
      if (!picks.size) pickForZone(b);
      openZoneForm(null);
      return;
    }
    if (b && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); openPanel(b, true); return; }
    if (b && ev.key === "Escape" && st.editing && changedGeometry(b)) {
      ev.preventDefault();
      putBack(b, orig.get(b.code));
    }
  });

  // Pointers: one drags the view (or, in edit mode, a booth), two pinch; the wheel zooms where
  // it points. The pointer is captured only once it moves, so a tap stays a click on its booth.
  const pointers = new Map();
  let gesture = null;
  const local = (ev) => { const r = svg.getBoundingClientRect(); return { x: ev.clientX - r.left, y: ev.clientY - r.top }; };
  const startPan = (p) => ({ kind: "pan", x0: p.x, y0: p.y, cx: st.cx, cy: st.cy, moved: false });
  svg.addEventListener("pointerdown", (ev) => {
    if (ev.pointerType === "mouse" && ev.button !== 0) return;
    anim++;
    const p = local(ev);
    pointers.set(ev.pointerId, p);
    if (pointers.size === 2) {
      if (gesture && (gesture.kind === "drag" || gesture.kind === "resize") && gesture.moved) cancelDrag();
      if (gesture && gesture.kind === "zone") drawDraft(null);
      const [a, c] = [...pointers.values()];
      const mid = { x: (a.x + c.x) / 2, y: (a.y + c.y) / 2 };
      gesture = { kind: "pinch", d0: Math.hypot(a.x - c.x, a.y - c.y) || 1, s0: st.scale, mx: st.cx + (mid.x - dims.W / 2) / st.scale, my: st.cy + (mid.y - dims.H / 2) / st.scale, moved: true };
      for (const id of pointers.keys()) { try { svg.setPointerCapture(id); } catch (e) { /* the pointer is gone */ } }
      return;
    }
    if (pointers.size > 2) return;
    const grip = st.editing && ev.target.dataset && byCode.get(ev.target.dataset.grip);
    if (grip) { gesture = { kind: "resize", b: grip, x0: p.x, y0: p.y, from: { ...grip }, moved: false, id: ev.pointerId }; return; }
    if (st.editing && drawing) { const at = metresAt(p); gesture = { kind: "zone", x0: p.x, y0: p.y, mx: at.x, my: at.y, moved: false, id: ev.pointerId }; return; }
    const b = boothOf(ev.target);
    if (st.editing && b && editable(b)) gesture = { kind: "drag", b, x0: p.x, y0: p.y, from: { ...b }, moved: false, id: ev.pointerId };
    else gesture = { ...startPan(p), locked: st.editing && b ? b : null };
  });
  svg.addEventListener("pointermove", (ev) => {
    if (!pointers.has(ev.pointerId) || !gesture) return;
    const p = local(ev);
    pointers.set(ev.pointerId, p);
    if (gesture.kind === "pinch") {
      if (pointers.size < 2) return;
      const [a, c] = [...pointers.values()];
      const mid = { x: (a.x + c.x) / 2, y: (a.y + c.y) / 2 };
      st.scale = mapClamp(gesture.s0 * (Math.hypot(a.x - c.x, a.y - c.y) / gesture.d0), minS, maxS);
      st.cx = gesture.mx - (mid.x - dims.W / 2) / st.scale;
      st.cy = gesture.my - (mid.y - dims.H / 2) / st.scale;
      apply();
      return;
    }
    const dx = p.x - gesture.x0, dy = p.y - gesture.y0;
    if (!gesture.moved) {
      if (Math.hypot(dx, dy) < 5) return;
      gesture.moved = true;
      try { svg.setPointerCapture(ev.pointerId); } catch (e) { /* the pointer is gone */ }
      if (gesture.kind === "pan" && gesture.locked) say(t("map_locked").replace("{a}", gesture.locked.code), true);
    }
    if (gesture.kind === "pan") {
      st.cx = gesture.cx - dx / st.scale;
      st.cy = gesture.cy - dy / st.scale;
      apply();
    } else if (gesture.kind === "drag") {
      moveTo(gesture.b, gesture.from.x + dx / st.scale, gesture.from.y + dy / st.scale);
    } else if (gesture.kind === "resize") {
      resizeTo(gesture.b, gesture.from.w + dx / st.scale, gesture.from.h + dy / st.scale);
    } else if (gesture.kind === "zone") {
      const at = metresAt(p);
      drawDraft({ x: Math.min(gesture.mx, at.x), y: Math.min(gesture.my, at.y), w: Math.abs(at.x - gesture.mx), h: Math.abs(at.y - gesture.my) });
    }
  });
  const pointerEnd = (ev) => {
    if (!pointers.delete(ev.pointerId)) return;
    if (!gesture) return;
    if (gesture.moved) justMoved = true;
    if (gesture.kind === "pinch") {
      // The finger still down goes on panning from where it is.
      const rest = [...pointers.values()][0];
      gesture = rest ? { ...startPan(rest), moved: true } : null;
      return;
    }
    if ((gesture.kind === "drag" || gesture.kind === "resize") && gesture.moved) {
      const b = gesture.b;
      panelCode = b.code;
      select(b);
      if (st.selected === b.code && !panel.hidden) openPanel(b, false);
      const c = conflicts.get(b.code);
      info.textContent = c || (gesture.kind === "drag" ? t("map_moved").replace("{x}", mapFmt(b.x)).replace("{y}", mapFmt(b.y))
        : t("map_resized").replace("{w}", mapFmt(b.w)).replace("{h}", mapFmt(b.h))).replace("{a}", b.code);
    }
    if (gesture.kind === "zone" && gesture.moved && draft) openZoneForm(draft);
    gesture = null;
    // A click follows only a tap; after a drag none may come, so the flag does not outlive it.
    setTimeout(() => { justMoved = false; }, 0);
  };
  svg.addEventListener("pointerup", pointerEnd);
  svg.addEventListener("pointercancel", pointerEnd);
  // The wheel zooms only with Ctrl (or ⌘) held, or in full screen: on a page that scrolls, a
  // wheel meant for the page must not get caught in the map. A trackpad's pinch comes as a wheel
  // with Ctrl, so it always zooms.
  let wheelHintTimer = 0;
  svg.addEventListener("wheel", (ev) => {
    if (!ev.ctrlKey && !ev.metaKey && !isFull()) {
      wheelHint.hidden = false;
      clearTimeout(wheelHintTimer);
      wheelHintTimer = setTimeout(() => { wheelHint.hidden = true; }, 1500);
      return;
    }
    ev.preventDefault();
    wheelHint.hidden = true;
    const d = ev.deltaY * (ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? 400 : 1);
    const p = local(ev);
    zoomAt(Math.exp(-d * (ev.ctrlKey ? 0.01 : 0.0015)), p.x, p.y);
  }, { passive: false });

  // ---------- organisers: moving and changing booths ----------
  const conflicts = new Map();
  const refused = new Map();
  const editable = (b) => b.status !== "assigned";
  const changedGeometry = (b) => { const o = orig.get(b.code); return o.x !== b.x || o.y !== b.y || o.w !== b.w || o.h !== b.h; };
  const changedAny = (b) => { const o = orig.get(b.code); return changedGeometry(b) || o.kind !== b.kind || o.zone !== b.zone; };
  const snap = (v) => mapMetres(Math.round(v / st.step) * st.step);
  const msg = h("p", { class: "map-msg", id: "map-msg", role: "status", "aria-live": "polite" });
  const say = (text, bad) => { msg.textContent = text || ""; msg.classList.toggle("bad", !!bad); };
  const editBtn = h("button", { type: "button", class: "secondary", id: "edit-plan", "aria-pressed": String(st.editing) }, t("map_edit_plan"));
  const saveBtn = h("button", { type: "button", id: "save-plan", disabled: true }, t("map_save_changes"));
  const undoBtn = h("button", { type: "button", class: "secondary", id: "undo-plan", disabled: true }, t("map_undo_changes"));
  const zoneBtn = h("button", { type: "button", class: "secondary", id: "draw-zone", "aria-pressed": "false" }, t("map_draw_zone"));
  const stepSel = h("select", { id: "plan-step" }, [["0.5", "0,5 m"], ["1", "1 m"]].map(([v, l]) => h("option", { value: v, selected: String(st.step) === v }, S.lang === "vi" ? l : l.replace(",", "."))));
  const editTools = h("div", { class: "map-edit-tools", hidden: !st.editing },
    h("div", { class: "actions" }, h("label", { class: "pick", for: "plan-step" }, t("map_grid_step")), stepSel, saveBtn, undoBtn, zoneBtn),
    h("p", { class: "muted" }, t("map_edit_hint")), marks.tools, msg);
  if (opts.edit) wrap.append(h("div", { class: "map-edit" }, h("div", { class: "actions" }, editBtn), editTools));
  stepSel.addEventListener("change", () => { st.step = Number(stepSel.value); remember(); });

  // redrawn draws booth b again after a change (on the map, in its panel's fields and facts) and
  // checks the plan.
  function redrawn(b) {
    extendPlan(b);
    place(b);
    const f = !panel.hidden && panelCode === b.code && panel.querySelector("#booth-edit");
    if (f) for (const k of ["x", "y", "w", "h"]) f.elements[k].value = b[k];
    const dl = panelCode === b.code && panel.querySelector(".panel-facts");
    if (dl) dl.replaceWith(facts(b));
    refused.delete(b.code);
    check();
    if (own === b) drawOwn();
    drawZones();
    drawHandle();
  }
  // moveTo puts booth b at (x, y) on the grid.
  function moveTo(b, x, y) {
    b.x = Math.max(0, snap(x));
    b.y = Math.max(0, snap(y));
    redrawn(b);
  }
  // resizeTo gives booth b width w and depth h on the grid (1 to 100 m, as the API allows).
  function resizeTo(b, w, h) {
    b.w = mapClamp(snap(w), 1, 100);
    b.h = mapClamp(snap(h), 1, 100);
    redrawn(b);
  }
  // putBack returns booth b exactly to the place and size in at, off the grid if it was.
  function putBack(b, at) {
    Object.assign(b, { x: at.x, y: at.y, w: at.w, h: at.h });
    resetPlan();
    redrawn(b);
  }
  function cancelDrag() {
    const d = gesture;
    if (!d || (d.kind !== "drag" && d.kind !== "resize")) return;
    gesture = null;
    justMoved = d.moved;
    putBack(d.b, d.from);
    try { svg.releasePointerCapture(d.id); } catch (e) { /* not captured */ }
    info.textContent = t("map_drag_cancelled").replace("{a}", d.b.code);
  }
  // check marks booths that overlap another or leave the hall, allows saving only a clean plan,
  // and says what is wrong. Only changed booths are checked, as the API does.
  function check() {
    conflicts.clear();
    const changed = booths.filter(changedAny);
    for (const b of changed) {
      const c = changedGeometry(b) ? conflictOf(b, booths) || marks.conflict(b) : null;
      if (c) conflicts.set(b.code, c);
    }
    for (const b of booths) {
      const n = nodes.get(b.code);
      const bad = conflicts.has(b.code) || refused.has(b.code);
      n.g.classList.toggle("bad", bad);
      n.g.classList.toggle("moved", changedAny(b));
      n.r.setAttribute("fill", bad ? conflictColour : fillOf(b));
    }
    saveBtn.disabled = !changed.length || conflicts.size > 0;
    undoBtn.disabled = !changed.length;
    saveBtn.textContent = t("map_save_changes") + (changed.length ? ` (${changed.length})` : "");
    // A "Đã lưu" still shown from the last save would say the new change is saved too.
    const shown = document.getElementById("toast");
    if (changed.length && shown && shown.classList.contains("show") && shown.textContent === t("saved")) shown.classList.remove("show");
    const problems = [...conflicts.values(), ...refused.values()];
    if (problems.length) say(problems.join(" "), true);
    else if (msg.classList.contains("bad")) say("");
    dirty();
  }
  // dirty keeps live updates from redrawing the page while the plan is edited (its landmarks are
  // saved one by one, each answered by a live update) or shown full screen.
  function dirty() {
    if (st.editing || isFull()) wrap.dataset.dirty = "1";
    else delete wrap.dataset.dirty;
  }
  function setEditing(on) {
    if (!on && booths.some(changedAny)) {
      if (!confirm(t("map_discard_confirm"))) return;
      undo();
    }
    st.editing = on;
    remember();
    if (!on) setDrawing(false);
    drawHandle();
    wrap.classList.toggle("editing", on);
    editBtn.setAttribute("aria-pressed", String(on));
    editTools.hidden = !on;
    marks.setEditing(on);
    dirty();
    drawLegend();
    say("");
    const b = st.selected && byCode.get(st.selected);
    if (b && !panel.hidden) openPanel(b, false);
  }
  function undo() {
    refused.clear();
    for (const b of booths) Object.assign(b, orig.get(b.code));
    resetPlan();
    for (const b of booths) place(b);
    drawZones();
    drawOwn();
    drawHandle();
    check();
    say("");
    const b = st.selected && byCode.get(st.selected);
    if (b && !panel.hidden) openPanel(b, false);
  }
  editBtn.addEventListener("click", () => setEditing(!st.editing));
  zoneBtn.addEventListener("click", () => setDrawing(!drawing));

  // ---------- organisers: drawing a zone ----------
  // With "Vẽ khu" pressed, a drag over the plan (a mouse or one finger) draws a rectangle; the
  // booths whose middles fall inside it take the zone named in the panel. On a keyboard, Space
  // picks the focused booth (and picks it off again) and Enter names the zone of those picked.
  // Assigned booths keep their zone, as the API wants.
  let drawing = false, draft = null;
  const picks = new Set();
  const metresAt = (p) => ({ x: st.cx + (p.x - dims.W / 2) / st.scale, y: st.cy + (p.y - dims.H / 2) / st.scale });
  const inRect = (b, r) => b.x + b.w / 2 >= r.x && b.x + b.w / 2 <= r.x + r.w && b.y + b.h / 2 >= r.y && b.y + b.h / 2 <= r.y + r.h;
  function setDrawing(on) {
    drawing = on;
    zoneBtn.setAttribute("aria-pressed", String(on));
    wrap.classList.toggle("drawing", on);
    if (!on) {
      // A frame being drawn is dropped, and so is the form of one drawn.
      if (gesture && gesture.kind === "zone") {
        try { svg.releasePointerCapture(gesture.id); } catch (e) { /* not captured */ }
        justMoved = gesture.moved;
        gesture = null;
      }
      drawDraft(null);
      closeZoneForm();
    }
    picks.clear();
    say(on ? t("map_zone_hint") : "");
  }
  // pickForZone adds booth b to the booths picked by the keyboard for a new zone, or takes it off.
  function pickForZone(b) {
    if (picks.has(b.code)) picks.delete(b.code); else picks.add(b.code);
    const g = nodes.get(b.code).g;
    g.classList.toggle("in-zone", picks.has(b.code));
    // A screen reader hears a picked booth as a pressed button.
    if (picks.has(b.code)) g.setAttribute("aria-pressed", "true"); else g.removeAttribute("aria-pressed");
    const codes = [...picks].sort(collator.compare);
    info.textContent = codes.length ? t("map_zone_picked").replace("{n}", codes.length).replace("{codes}", codes.join(", ")) : t("map_zone_hint");
  }
  // closeZoneForm closes the new zone's form, and gives the keyboard back to "Vẽ khu".
  function closeZoneForm() {
    if (!panel.querySelector("#zone-form")) return;
    const inside = panel.contains(document.activeElement);
    showPanel(false);
    panel.replaceChildren();
    if (inside && zoneBtn.offsetParent) zoneBtn.focus();
  }
  // drawDraft shows rectangle r (metres) and marks the booths it takes; null clears both.
  function drawDraft(r) {
    draft = r;
    draftLayer.replaceChildren();
    for (const b of booths) {
      nodes.get(b.code).g.classList.toggle("in-zone", !!r && inRect(b, r));
      nodes.get(b.code).g.removeAttribute("aria-pressed");
    }
    picks.clear();
    if (r) draftLayer.append(svgEl("rect", { class: "zone-draft", x: r.x, y: r.y, width: r.w, height: r.h, "vector-effect": "non-scaling-stroke" }));
  }
  // openZoneForm asks the name of the zone of the booths inside rectangle r, or of those picked.
  function openZoneForm(r) {
    const inside = booths.filter((b) => (r ? inRect(b, r) : picks.has(b.code)));
    const free = inside.filter(editable), held = inside.filter((b) => !editable(b));
    if (!free.length) { say(t(inside.length ? "map_zone_all_held" : "map_zone_empty"), true); drawDraft(null); return; }
    const zones = [...new Set(booths.map((b) => b.zone))].sort(collator.compare);
    const err = h("p", { class: "err", id: "zone-name-error", hidden: true });
    const name = h("input", { id: "zone-name", name: "zone", maxlength: 60, list: "zone-names", autocomplete: "off", required: true, "aria-describedby": "zone-name-error" });
    const apply = (ev) => {
      ev.preventDefault();
      const z = name.value.normalize("NFC").replace(/\s+/g, " ").trim();
      if (!z) { err.textContent = t("map_zone_name_missing"); err.hidden = false; name.setAttribute("aria-invalid", "true"); name.focus(); return; }
      for (const b of free) b.zone = z;
      // Leaving the field first closes the browser's list of suggested names with it; the
      // keyboard then goes back to "Vẽ khu".
      name.blur();
      setDrawing(false);
      zoneBtn.focus();
      check();
      drawZones();
      say(t("map_zone_set").replace("{n}", free.length).replace("{z}", z) + (held.length ? " " + t("map_zone_kept").replace("{codes}", held.map((b) => b.code).join(", ")) : ""));
    };
    const cancel = () => { drawDraft(null); closeZoneForm(); say(t("map_zone_hint")); };
    panelCode = null;
    st.selected = null;
    remember();
    select(null);
    // The DOM's replaceChildren, unlike h(), writes a null out as the text "null": the note on
    // held booths, when there are none, is left out of the list instead.
    panel.replaceChildren(...[h("div", { class: "panel-head" }, h("h2", { id: "booth-panel-title", tabindex: -1 }, t("map_new_zone")),
      h("button", { type: "button", class: "secondary close", "aria-label": t("map_close"), title: t("map_close"), onclick: cancel }, "×")),
    h("p", {}, t("map_zone_booths").replace("{n}", free.length).replace("{codes}", free.map((b) => b.code).join(", "))),
    held.length ? h("p", { class: "muted" }, t("map_zone_kept").replace("{codes}", held.map((b) => b.code).join(", "))) : null,
    h("form", { class: "zone-form", id: "zone-form", novalidate: true, onsubmit: apply },
      h("label", { for: "zone-name" }, t("map_zone_name")), name, err,
      h("datalist", { id: "zone-names" }, zones.map((z) => h("option", { value: z }))),
      h("div", { class: "actions" }, h("button", { type: "submit", id: "zone-apply" }, t("map_zone_apply")), h("button", { type: "button", class: "secondary", id: "zone-cancel", onclick: cancel }, t("cancel"))))].filter(Boolean));
    showPanel(true);
    name.focus();
  }
  undoBtn.addEventListener("click", undo);
  saveBtn.addEventListener("click", save);

  // editFields are the panel's fields for the chosen booth: where it stands, its size, kind
  // and zone; each change is drawn and checked at once, and saved with the others.
  function editFields(b) {
    if (!editable(b)) return h("p", { class: "muted" }, t("map_locked").replace("{a}", b.code));
    const num = (name, label, v, min) => h("div", { class: "field" }, h("label", { for: "booth-edit-" + name }, label),
      h("input", { type: "number", id: "booth-edit-" + name, name, value: v, step: st.step, min, inputmode: "decimal" }));
    const f = h("form", { class: "f booth-edit", id: "booth-edit", novalidate: true, onsubmit: (ev) => ev.preventDefault() },
      num("x", t("map_x_m"), b.x, 0), num("y", t("map_y_m"), b.y, 0), num("w", t("map_width_m"), b.w, 1), num("h", t("map_depth_m"), b.h, 1),
      h("div", { class: "field" }, h("label", { for: "booth-edit-kind" }, t("booth_kind")),
        h("select", { id: "booth-edit-kind", name: "kind" }, Object.keys(kindSizes).map((k) => h("option", { value: k, selected: k === b.kind }, boothKindName(k))))),
      h("div", { class: "field" }, h("label", { for: "booth-edit-zone" }, t("zone")), h("input", { id: "booth-edit-zone", name: "zone", value: b.zone, maxlength: 60 })));
    f.addEventListener("change", (ev) => {
      const el = ev.target;
      if (el.name === "kind") {
        // A new kind takes its usual size when the booth had the old kind's usual size.
        const was = kindSizes[b.kind], now = kindSizes[el.value];
        b.kind = el.value;
        if (was && now && b.w === was[0] && b.h === was[1]) { b.w = now[0]; b.h = now[1]; f.elements.w.value = b.w; f.elements.h.value = b.h; }
      } else if (el.name === "zone") {
        // Said like a drawn zone: set here, kept only by "Lưu thay đổi". An emptied field keeps the zone.
        const z = el.value.normalize("NFC").replace(/\s+/g, " ").trim();
        el.value = z || b.zone;
        if (!z || z === b.zone) return;
        b.zone = z;
        redrawn(b);
        if (!msg.classList.contains("bad")) say(changedAny(b) ? t("map_booth_zone_set").replace("{a}", b.code).replace("{z}", z) : "");
        return;
      } else {
        const v = Number(el.value);
        if (!Number.isFinite(v) || el.value === "") return;
        if (el.name === "x" || el.name === "y") b[el.name] = Math.max(0, mapMetres(v));
        else b[el.name] = mapClamp(mapMetres(v), 1, 100);
      }
      redrawn(b);
    });
    return f;
  }

  // save sends each changed booth with PATCH. A booth refused because another was still in its
  // way is tried again once the others moved; what the API still refuses is said in its words.
  async function save() {
    let pending = booths.filter(changedAny);
    if (!pending.length || conflicts.size) return;
    saveBtn.disabled = true;
    undoBtn.disabled = true;
    refused.clear();
    say(t("map_saving"));
    for (let progress = true; pending.length && progress;) {
      progress = false;
      const next = [];
      for (const b of pending) {
        const o = orig.get(b.code), body = {};
        for (const k of ["x", "y", "w", "h", "kind", "zone"]) if (b[k] !== o[k]) body[k] = b[k];
        const r = await api("PATCH", `/api/fairs/${encodeURIComponent(opts.edit.fairId)}/booths/${encodeURIComponent(b.code)}`, body);
        if (r.ok) {
          const d = r.data || {};
          orig.set(b.code, { ...o, x: d.x ?? b.x, y: d.y ?? b.y, w: d.w ?? b.w, h: d.h ?? b.h, kind: d.kind || b.kind, zone: d.zone || b.zone });
          Object.assign(b, orig.get(b.code));
          refused.delete(b.code);
          progress = true;
        } else {
          refused.set(b.code, mapProblem(r));
          next.push(b);
        }
      }
      pending = next;
    }
    for (const b of booths) place(b);
    drawZones();
    drawHandle();
    check();
    if (refused.size) return;
    say("");
    toast(t("saved"));
    delete wrap.dataset.dirty;
    if (opts.edit.onSaved) opts.edit.onSaved();
  }

  // ---------- full screen ----------
  function setFull(on) {
    wrap.classList.toggle("full", on);
    fullBtn.setAttribute("aria-pressed", String(on));
    fullBtn.setAttribute("aria-label", t(on ? "map_exit_full" : "map_full_screen"));
    fullBtn.title = t(on ? "map_exit_full" : "map_full_screen");
    if (on) box.style.height = "";
    dirty();
    // The plan fills the new box; a chosen booth stays in view.
    layout(true);
    const b = st.selected && byCode.get(st.selected);
    if (b) showBooth(b);
  }
  fullBtn.addEventListener("click", async () => {
    if (isFull()) {
      if (document.fullscreenElement === wrap) await document.exitFullscreen().catch(() => {});
      else { wrap.classList.remove("overlay"); document.body.classList.remove("map-overlay"); setFull(false); }
      return;
    }
    // Where the browser cannot (an iPhone), the map covers the page instead.
    if (wrap.requestFullscreen && document.fullscreenEnabled) {
      try { await wrap.requestFullscreen({ navigationUI: "hide" }); return; } catch (e) { /* fall back to covering the page */ }
    }
    wrap.classList.add("overlay");
    document.body.classList.add("map-overlay");
    setFull(true);
  });
  const onFullscreen = () => {
    if (!wrap.isConnected) { document.removeEventListener("fullscreenchange", onFullscreen); return; }
    const on = document.fullscreenElement === wrap;
    if (on !== isFull()) setFull(on);
  };
  document.addEventListener("fullscreenchange", onFullscreen);
  // Esc cancels a drag, and leaves the covering map.
  const onKey = (ev) => {
    if (!wrap.isConnected) { window.removeEventListener("keydown", onKey, true); return; }
    if (ev.key !== "Escape") return;
    if (gesture && (gesture.kind === "drag" || gesture.kind === "resize")) { ev.preventDefault(); ev.stopPropagation(); cancelDrag(); return; }
    if (drawing) { ev.preventDefault(); ev.stopPropagation(); setDrawing(false); return; }
    // Esc in the panel or in the search closes those first.
    const inner = panel.contains(document.activeElement) || (search.contains(document.activeElement) && !hits.hidden);
    if (wrap.classList.contains("overlay") && !inner) {
      ev.preventDefault();
      wrap.classList.remove("overlay");
      document.body.classList.remove("map-overlay");
      setFull(false);
      fullBtn.focus();
    }
  };
  window.addEventListener("keydown", onKey, true);

  // ---------- start ----------
  marks.onLegendChange(drawLegend);
  drawLegend();
  wrap.classList.toggle("editing", st.editing);
  let started = false;
  let watch = null;
  const start = () => {
    // A map the page no longer shows stops watching its size.
    if (started && !wrap.isConnected) { if (watch) watch.disconnect(); return; }
    if (!box.clientWidth) return;
    layout();
    if (started) return;
    started = true;
    if (st.query) showHits();
    check();
    if (st.selected && byCode.get(st.selected)) openPanel(byCode.get(st.selected), false);
    else if (opts.focus && !kept && byCode.get(opts.focus)) { const b = byCode.get(opts.focus); select(b); flyToBooth(b, false); openPanel(b, true); }
    // The panel opens once the map is laid out, after the page is drawn: a place named for the
    // keyboard in it (focusNextDraw) is given now, and one it does not hold (the booth is gone,
    // or this map is older than the change) is forgotten, not given on a later draw.
    if (S.typeLater) { typeAgain(S.typeLater); S.typeLater = null; }
    if (S.focusNext) {
      if (panel.querySelector(S.focusNext)) goToField(S.focusNext);
      S.focusNext = "";
    }
  };
  if (window.ResizeObserver) (watch = new ResizeObserver(start)).observe(box);
  else setTimeout(start, 0);
  const onResize = () => {
    if (!wrap.isConnected) { window.removeEventListener("resize", onResize); return; }
    if (started) layout();
  };
  window.addEventListener("resize", onResize);
  return wrap;
}
