// Landmarks of the floor plan: entrances, exits, aisles, the stage, the B2B area, the information
// desk and the toilets, drawn under the booths with a colour and a sign of their kind, named for
// screen readers and listed in the legend. In "Sửa sơ đồ" an organiser adds one (it appears at a
// free spot of the view), drags it, sets its kind, name and size in the panel and deletes it;
// each change is saved at once, and a refusal is said in the API's words.
"use strict";

// The kinds, in the legend's order, with their colours and signs.
const landmarkStyles = {
  entrance: { fill: "#80cbc4", stroke: "#00695c", sign: "➜", size: [4, 2] },
  exit: { fill: "#ffcc80", stroke: "#e65100", sign: "⇥", size: [4, 2] },
  aisle: { fill: "#e3edf7", stroke: "#b0c4d8", sign: "", size: [12, 3] },
  stage: { fill: "#e1bee7", stroke: "#6a1b9a", sign: "★", size: [8, 5] },
  b2b_area: { fill: "#bbdefb", stroke: "#1565c0", sign: "⇄", size: [10, 8] },
  info_desk: { fill: "#d7ccc8", stroke: "#5d4037", sign: "i", size: [3, 2] },
  toilet: { fill: "#b3e5fc", stroke: "#0277bd", sign: "WC", size: [4, 3] },
  other: { fill: "#eeeeee", stroke: "#757575", sign: "◆", size: [2, 2] },
};

// landmarkName is what a landmark is called on the map and to a screen reader: "Lối vào: Cổng
// chính", or the kind alone.
const landmarkName = (l) => t("lm_" + l.kind) + (l.label ? ": " + l.label : "");
// Booths may stand on an "other" landmark only (the event service's rule, booth/landmark.go).
const landmarkSolid = (l) => l.kind !== "other";

// landmarkProblem is a refusal in the API's words, one sentence per field error.
function landmarkProblem(r) {
  const errs = ((r.data || {}).errors || []).map((e) => e.message.charAt(0).toUpperCase() + e.message.slice(1).replace(/\.?$/, "."));
  return errs.length ? errs.join(" ") : mapProblem(r);
}

// mapLandmarks draws m's landmarks for boothMap. ctx: scale(), editing(), step(), booths, fairId
// (organisers: may edit), view() ({ x, y, w, h } in metres), openPanel(kids), closePanel(),
// say(text, bad).
function mapLandmarks(m, ctx) {
  const marks = (m.landmarks || []).map((l) => ({ ...l }));
  const layer = svgEl("g", { class: "landmarks", role: "group", "aria-label": t("lm_legend") });
  const nodes = new Map();
  const byId = (id) => marks.find((l) => l.id === id);

  function draw(l) {
    const st = landmarkStyles[l.kind] || landmarkStyles.other;
    let n = nodes.get(l.id);
    if (!n) {
      const g = svgEl("g", { class: "landmark" });
      g.dataset.id = l.id;
      n = { g, r: svgEl("rect", { "vector-effect": "non-scaling-stroke" }), text: svgEl("text", { "aria-hidden": "true", "text-anchor": "middle" }) };
      g.append(n.r, n.text);
      layer.append(g);
      nodes.set(l.id, n);
      wire(l.id, g);
    }
    n.g.dataset.kind = l.kind;
    n.r.setAttribute("fill", st.fill);
    n.r.setAttribute("stroke", st.stroke);
    n.r.setAttribute("stroke-dasharray", l.kind === "aisle" ? "4 3" : "");
    roles(l, n.g);
    place(l);
  }
  function roles(l, g) {
    const edit = ctx.fairId && ctx.editing();
    g.setAttribute("role", edit ? "button" : "img");
    g.setAttribute("aria-label", landmarkName(l));
    if (edit) g.setAttribute("tabindex", 0);
    else g.removeAttribute("tabindex");
  }
  // place puts l's rectangle and words where l is, at a size readable at this scale.
  function place(l) {
    const n = nodes.get(l.id), s = ctx.scale() || 1, st = landmarkStyles[l.kind] || landmarkStyles.other;
    n.r.setAttribute("x", l.x);
    n.r.setAttribute("y", l.y);
    n.r.setAttribute("width", Math.max(l.w - 0.1, 0.1));
    n.r.setAttribute("height", Math.max(l.h - 0.1, 0.1));
    const f = mapScale.labelPx / s;
    const words = [st.sign, l.label || t("lm_" + l.kind)].filter(Boolean).join(" ");
    const fits = l.w * s >= words.length * mapScale.labelPx * 0.6 + 4 && l.h * s >= mapScale.labelPx + 2;
    n.text.textContent = fits ? words : st.sign;
    n.text.setAttribute("font-size", f);
    n.text.setAttribute("x", l.x + l.w / 2);
    n.text.setAttribute("y", l.y + l.h / 2 + f * 0.35);
    n.text.style.display = fits || (st.sign && l.w * s >= mapScale.labelPx * 1.4 && l.h * s >= mapScale.labelPx) ? "" : "none";
  }
  function placeAll() { for (const l of marks) place(l); }

  // ---------- editing: drag, keys, the panel ----------
  const snap = (v) => mapMetres(Math.round(v / ctx.step()) * ctx.step());
  const saved = new Map(marks.map((l) => [l.id, { ...l }]));
  function wire(id, g) {
    let drag = null;
    g.addEventListener("pointerdown", (ev) => {
      if (!ctx.fairId || !ctx.editing() || (ev.pointerType === "mouse" && ev.button !== 0)) return;
      ev.stopPropagation();
      const l = byId(id);
      drag = { x0: ev.clientX, y0: ev.clientY, lx: l.x, ly: l.y, moved: false };
    });
    g.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      const dx = ev.clientX - drag.x0, dy = ev.clientY - drag.y0;
      if (!drag.moved && Math.hypot(dx, dy) < 5) return;
      if (!drag.moved) { drag.moved = true; try { g.setPointerCapture(ev.pointerId); } catch (e) { /* the pointer is gone */ } }
      const l = byId(id), s = ctx.scale();
      l.x = Math.max(0, snap(drag.lx + dx / s));
      l.y = Math.max(0, snap(drag.ly + dy / s));
      place(l);
    });
    const end = (ev) => {
      if (!drag) return;
      const moved = drag.moved;
      drag = null;
      if (moved) { ev.stopPropagation(); g.dataset.dragged = "1"; setTimeout(() => delete g.dataset.dragged, 0); save(byId(id)); }
    };
    g.addEventListener("pointerup", end);
    g.addEventListener("pointercancel", end);
    g.addEventListener("click", (ev) => {
      if (!ctx.fairId || !ctx.editing()) return;
      ev.stopPropagation();
      if (!g.dataset.dragged) openPanel(byId(id));
    });
    g.addEventListener("keydown", (ev) => {
      if (!ctx.fairId || !ctx.editing()) return;
      const dir = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[ev.key];
      const l = byId(id);
      if (dir) {
        ev.preventDefault();
        ev.stopPropagation();
        const k = ctx.step() * (ev.shiftKey ? 5 : 1);
        l.x = Math.max(0, mapMetres(l.x + dir[0] * k));
        l.y = Math.max(0, mapMetres(l.y + dir[1] * k));
        place(l);
        clearTimeout(l.timer);
        l.timer = setTimeout(() => save(l), 600);
      } else if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        ev.stopPropagation();
        openPanel(l);
      }
    });
  }

  // save sends what changed of l; a refusal puts l back and is said in the API's words.
  async function save(l) {
    const o = saved.get(l.id), body = {};
    for (const k of ["kind", "label", "x", "y", "w", "h"]) if (l[k] !== o[k]) body[k] = l[k];
    if (!Object.keys(body).length) return true;
    ctx.say(t("map_saving"));
    const r = await api("PATCH", `/api/fairs/${encodeURIComponent(ctx.fairId)}/landmarks/${encodeURIComponent(l.id)}`, body, { quiet: true });
    if (!r.ok) {
      Object.assign(l, o);
      draw(l);
      ctx.say(landmarkProblem(r), true);
      return false;
    }
    Object.assign(l, r.data || {});
    saved.set(l.id, { ...l, timer: undefined });
    draw(l);
    ctx.say(t("lm_saved").replace("{a}", landmarkName(l)));
    return true;
  }

  function openPanel(l) {
    const num = (name, label, v, min) => h("div", { class: "field" }, h("label", { for: "lm-edit-" + name }, label),
      h("input", { type: "number", id: "lm-edit-" + name, name, value: v, step: ctx.step(), min, inputmode: "decimal" }));
    const title = h("h2", { id: "booth-panel-title", tabindex: -1 }, landmarkName(l));
    const f = h("form", { class: "f booth-edit", id: "landmark-edit", novalidate: true, onsubmit: (ev) => ev.preventDefault() },
      h("div", { class: "field" }, h("label", { for: "lm-edit-kind" }, t("lm_kind")),
        h("select", { id: "lm-edit-kind", name: "kind" }, Object.keys(landmarkStyles).map((k) => h("option", { value: k, selected: k === l.kind }, t("lm_" + k))))),
      h("div", { class: "field" }, h("label", { for: "lm-edit-label" }, t("lm_label")), h("input", { id: "lm-edit-label", name: "label", value: l.label || "", maxlength: 60 })),
      num("x", t("map_x_m"), l.x, 0), num("y", t("map_y_m"), l.y, 0), num("w", t("map_width_m"), l.w, 1), num("h", t("map_depth_m"), l.h, 1));
    f.addEventListener("change", async (ev) => {
      const el = ev.target;
      if (el.name === "kind" || el.name === "label") l[el.name] = el.value.trim();
      else {
        const v = Number(el.value);
        if (!Number.isFinite(v) || el.value === "") return;
        l[el.name] = mapMetres(v);
      }
      place(l);
      const ok = await save(l);
      title.textContent = landmarkName(l);
      if (!ok) for (const k of ["kind", "label", "x", "y", "w", "h"]) f.elements[k].value = l[k] ?? "";
    });
    const del = h("button", { type: "button", class: "secondary", id: "lm-delete", onclick: () => remove(l) }, t("lm_delete"));
    ctx.openPanel([h("div", { class: "panel-head" }, title,
      h("button", { type: "button", class: "secondary close", "aria-label": t("map_close"), title: t("map_close"), onclick: () => ctx.closePanel() }, "×")), f, h("div", { class: "actions" }, del)]);
    title.focus({ preventScroll: true });
  }

  async function remove(l) {
    const r = await api("DELETE", `/api/fairs/${encodeURIComponent(ctx.fairId)}/landmarks/${encodeURIComponent(l.id)}`, undefined, { quiet: true });
    if (!r.ok) { ctx.say(landmarkProblem(r), true); return; }
    marks.splice(marks.indexOf(l), 1);
    nodes.get(l.id).g.remove();
    nodes.delete(l.id);
    ctx.closePanel();
    ctx.say(t("lm_deleted").replace("{a}", landmarkName(l)));
    legendChanged();
  }

  // freeSpot is where a new landmark of size w × h goes: the middle of the view when no booth
  // is there, else the first free place in rows below the plan.
  function freeSpot(w, h, solid) {
    const v = ctx.view();
    const clear = (c) => c.x >= 0 && c.y >= 0 && c.x + c.w <= mapHall && c.y + c.h <= mapHall &&
      !(solid && ctx.booths.some((b) => boothsOverlap(b, c))) && !marks.some((l) => landmarkSolid(l) && boothsOverlap(l, c));
    const mid = { x: Math.max(0, snap(v.x + v.w / 2 - w / 2)), y: Math.max(0, snap(v.y + v.h / 2 - h / 2)), w, h };
    if (clear(mid)) return mid;
    let x0 = Infinity, y1 = 0;
    for (const b of [...ctx.booths, ...marks]) { x0 = Math.min(x0, b.x); y1 = Math.max(y1, b.y + b.h); }
    if (x0 === Infinity) x0 = 0;
    for (let row = 0; row < 20; row++) {
      for (let i = 0; i < 20; i++) {
        const c = { x: x0 + i * (w + 1), y: Math.ceil(y1) + 1 + row * (h + 1), w, h };
        if (clear(c)) return c;
      }
    }
    return mid;
  }

  // ---------- adding ----------
  const kindSel = h("select", { id: "lm-kind" }, Object.keys(landmarkStyles).map((k) => h("option", { value: k }, t("lm_" + k))));
  const addBtn = h("button", { type: "button", class: "secondary", id: "lm-add" }, t("lm_add"));
  addBtn.addEventListener("click", async () => {
    const kind = kindSel.value, [w, hh] = landmarkStyles[kind].size;
    const spot = freeSpot(w, hh, kind !== "other");
    addBtn.disabled = true;
    const r = await api("POST", `/api/fairs/${encodeURIComponent(ctx.fairId)}/landmarks`, { kind, x: spot.x, y: spot.y, w, h: hh }, { idem: idem(), quiet: true });
    addBtn.disabled = false;
    if (!r.ok) { ctx.say(landmarkProblem(r), true); return; }
    const l = { ...r.data };
    marks.push(l);
    saved.set(l.id, { ...l });
    draw(l);
    legendChanged();
    ctx.say(t("lm_added").replace("{a}", landmarkName(l)));
    openPanel(l);
  });
  const tools = h("div", { class: "actions lm-tools" }, h("label", { class: "pick", for: "lm-kind" }, t("lm_kind")), kindSel, addBtn);

  // ---------- the legend ----------
  let legendChanged = () => {};
  function legend() {
    const kinds = Object.keys(landmarkStyles).filter((k) => marks.some((l) => l.kind === k));
    return kinds.map((k) => h("span", { class: "lm-key", style: `--c:${landmarkStyles[k].fill}`, "data-kind": k }, t("lm_" + k)));
  }

  for (const l of marks) draw(l);
  return {
    layer, tools, legend, placeAll,
    // extent is the floor the landmarks cover, for the plan's bounds.
    list: () => marks,
    onLegendChange: (fn) => { legendChanged = fn; },
    setEditing: () => { for (const l of marks) roles(l, nodes.get(l.id).g); },
    // conflict says why booth b cannot stand where it is among the landmarks, or null.
    conflict: (b) => {
      const l = marks.find((x) => landmarkSolid(x) && boothsOverlap(b, x));
      return l ? t("map_on_landmark").replace("{a}", b.code).replace("{b}", l.label || t("lm_" + l.kind).toLowerCase()) : null;
    },
  };
}
