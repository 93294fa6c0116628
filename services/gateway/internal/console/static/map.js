// The floor plan map: the hall drawn to a scale that fits its box, labels a readable size at any
// scale, and each booth a focusable button with its code and state as its name.
"use strict";

const sectorColours = { food: "#8bc34a", beverage: "#4fc3f7", medicinal: "#ba68c8", handicraft: "#ffb74d", ornamental: "#f06292", tourism: "#90a4ae" };
const statusColours = { available: "#ffffff", reserved: "#fff59d", assigned: "#66bb6a", blocked: "#bdbdbd" };

// Pixels per metre: a plan fits the width of its box, and most of the screen's height, between
// these; a plan larger than that at the smallest scale scrolls inside its box (the page itself
// never scrolls sideways).
const mapScale = { min: 9, max: 26, labelPx: 13 };

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

// boothMap draws the floor plan as SVG: booths coloured by status or sector; a tap, Enter or
// focus on a booth says its holder and products.
function boothMap(m, opts = {}) {
  const by = opts.by || "status";
  const pad = 1;
  const vb = { x: -pad, y: -pad, w: Math.max(m.width, 10) + 2 * pad, h: Math.max(m.height, 5) + 2 * pad };
  const svg = svgEl("svg", { viewBox: `${vb.x} ${vb.y} ${vb.w} ${vb.h}`, class: "map", id: "booth-map", role: "group", "aria-label": t("tab_map") });
  const info = h("p", { class: "muted", id: "booth-info", "aria-live": "polite" }, "");
  const labels = [];
  let own = null;
  for (const b of m.booths) {
    let fill = statusColours[b.status];
    if (by === "sector" && b.holder && b.holder.sectors.length) fill = sectorColours[b.holder.sectors[0]] || fill;
    const mine = opts.highlight && b.holder && b.holder.producer_id === opts.highlight;
    if (mine && !own) own = b;
    const name = boothName(b) + (mine ? " · " + t("your_booth") : "");
    const g = svgEl("g", { class: "booth", tabindex: 0, role: "button", "aria-label": name });
    const r = svgEl("rect", { x: b.x, y: b.y, width: b.w - 0.1, height: b.h - 0.1, fill, stroke: mine ? "#d32f2f" : "#555", "stroke-width": mine ? 0.35 : 0.06 });
    r.dataset.code = b.code;
    r.dataset.status = b.status;
    const text = svgEl("text", { "aria-hidden": "true" });
    text.textContent = b.code;
    labels.push([text, b]);
    g.append(r, text);
    const show = () => {
      svg.querySelectorAll(".picked").forEach((x) => x.classList.remove("picked"));
      g.classList.add("picked");
      info.textContent = name;
    };
    g.addEventListener("click", show);
    g.addEventListener("focus", show);
    g.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); show(); } });
    svg.append(g);
  }
  const box = h("div", { class: "mapbox" }, svg);
  // fit sizes the drawing to its box and the labels to a fixed size on screen.
  const fit = () => {
    const avail = box.clientWidth || 320;
    const tall = Math.max(300, window.innerHeight * 0.7);
    const px = Math.min(mapScale.max, Math.max(mapScale.min, Math.min(avail / vb.w, tall / vb.h)));
    svg.setAttribute("width", Math.floor(vb.w * px));
    svg.setAttribute("height", Math.floor(vb.h * px));
    const size = mapScale.labelPx / px;
    for (const [text, b] of labels) {
      text.setAttribute("font-size", size);
      text.setAttribute("x", b.x + 4 / px);
      text.setAttribute("y", b.y + size + 3 / px);
    }
  };
  // The producer's own booth is brought into view once, when a plan wider than the screen
  // first gets its size; later the person scrolls it as they like.
  let shown = !own;
  const fitAndShow = () => {
    fit();
    if (shown || !box.clientWidth) return;
    shown = true;
    const px = Number(svg.getAttribute("width")) / vb.w;
    box.scrollLeft = Math.max(0, (own.x - vb.x + own.w / 2) * px - box.clientWidth / 2);
  };
  fitAndShow();
  if (window.ResizeObserver) new ResizeObserver(fitAndShow).observe(box);
  const legend = by === "status"
    ? Object.entries(statusColours).map(([k, c]) => h("span", { style: `--c:${c}` }, t("b_" + k)))
    : Object.entries(sectorColours).map(([k, c]) => h("span", { style: `--c:${c}` }, (S.ref.sectors.find((s) => s.code === k) || {})["name_" + S.lang] || k));
  return h("div", {}, h("div", { class: "legend" }, legend), box, info);
}
