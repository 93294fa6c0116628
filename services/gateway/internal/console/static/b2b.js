// The organiser's B2B tab: the B2B day's settings, the scheduling run, and the slots × tables
// grid, where a scheduled meeting moves to another cell by drag and drop (a mouse), by dragging
// with a finger (pointer events), or with its "Chuyển…" menu (a keyboard, a screen reader).
"use strict";

// b2bAnswers keeps, by fair, what the last move answered and the meeting whose "Chuyển…" had
// the keyboard: a move is announced live to every organiser, and the redraw it causes must not
// take the answer off the screen or the keyboard off the meeting.
const b2bAnswers = new Map();

// b2bMoved keeps, by fair, the meetings the last repair run had to move and where from, so that
// the grid marks them and the list under the buttons names them until the next run.
const b2bMoved = new Map();

// b2bSaid keeps, by fair, what the last scheduling run answered ({ ok, text }), said under its
// buttons until the next run: a toast is gone before a hurried organiser reads it.
const b2bSaid = new Map();

// b2bRunning holds the fairs whose scheduling run this page waits for: a live update that draws
// the tab again meanwhile draws its buttons waiting too, not ready for a second run.
const b2bRunning = new Set();

// b2bDayAt keeps, by fair, which B2B day the settings form edits (its date; "new" for a new day),
// through redraws, also when another organiser adds a day before it.
const b2bDayAt = new Map();
// b2bSaved keeps, by fair, the revision the last save of its B2B days answered, through the
// redraw that follows the save: a run right after it waits until matchmaking has that revision.
const b2bSaved = new Map();
// b2bMaxLunch is the longest lunch break the API takes between a B2B day's sessions, in minutes.
const b2bMaxLunch = 240;

async function fairB2B(f) {
  const days = f.b2b_days || [];
  const chosen = b2bDayAt.get(f.id);
  const at = chosen === "new" ? days.length : Math.max(days.findIndex((x) => x.date === chosen), 0);
  // A new day starts from the last day's settings (its date aside): a forum's days are alike, and
  // retyping them all was the chore.
  const d = days[at] || (days.length ? { ...days[days.length - 1], date: "" } : {});
  const grid = h("div", { id: "b2b-grid" });
  // A status, not an alert: a redraw puts the last answer back without saying it again.
  const msg = h("div", { id: "move-msg", class: "move-msg", role: "status" });
  const said = b2bAnswers.get(f.id);
  if (said) {
    msg.textContent = said.text;
    msg.classList.toggle("bad", said.bad);
  }
  // The meetings the last run left unscheduled, with why: the agenda says them to every
  // organiser, from the schedule the run saved.
  const left = h("div", { id: "unscheduled-box" });
  // Once a schedule exists, the run keeps it (a repair: a placed meeting moves only if it must)
  // and a run from scratch, which may move published meetings, is the second choice, confirmed.
  // saveDay saves the fair's days with the one edited replaced by day (null: removed).
  const saveDay = async (day) => {
    const next = days.map(b2bDayBody);
    next.splice(at, 1, ...(day ? [day] : []));
    const r = await saveB2BDays(f, next, day);
    if (r.ok) b2bSaved.set(f.id, r.data.revision || 0);
    return r;
  };
  let version = 0;
  const movedBox = h("div", { id: "moved-box", role: "status" });
  // busy shows the run buttons waiting for a run's answer, or ready.
  const busy = () => {
    const on = b2bRunning.has(f.id);
    runBtn.disabled = freshBtn.disabled = on;
    runBtn.toggleAttribute("aria-busy", on);
    runBtn.textContent = t(on ? "running_schedule" : version ? "run_repair" : "run_schedule");
  };
  // run schedules the fair; its buttons wait for the answer (a run takes seconds), which is said
  // in the toast, and a repair's moves stay listed and marked on the grid.
  const run = async (mode) => {
    if (mode === "fresh" && version && !confirm(t("run_fresh_confirm"))) return;
    b2bRunning.add(f.id);
    busy();
    const r = await api("POST", `/api/fairs/${f.id}/schedule?time_limit_ms=3000&mode=${mode}` + (b2bSaved.get(f.id) ? `&fair_revision=${b2bSaved.get(f.id)}` : "")).catch(offline);
    b2bRunning.delete(f.id);
    if (!r.ok) {
      b2bSaid.set(f.id, { ok: false, text: failure(r) });
    } else {
      const said = r.data.days.map((x) => `${date(x.day)}: ${plural(x.meetings, "n_meetings")} · ${t("sched_" + x.status)}`).join("; ") || t("none");
      const moved = r.data.days.flatMap((x) => x.moved || []);
      b2bMoved.set(f.id, moved);
      b2bSaid.set(f.id, { ok: true, text: mode === "repair" ? `${said}. ${plural(moved.length, "n_moved")}` : said });
    }
    sayRun();
    // The tab drawn again meanwhile (a live update) is drawn once more with the answer.
    if (!runBtn.isConnected) { render(true); return; }
    busy();
    showGrid();
  };
  const runSaid = h("p", { id: "schedule-said", role: "status" });
  const sayRun = () => {
    const s = b2bSaid.get(f.id);
    runSaid.className = s ? (s.ok ? "ok-line" : "err") : "";
    runSaid.textContent = s ? s.text : "";
  };
  sayRun();
  const runBtn = h("button", { type: "button", id: "run-schedule", onclick: () => run(version ? "repair" : "fresh") }, t("run_schedule"));
  const freshBtn = h("button", { type: "button", id: "run-fresh", class: "secondary", onclick: () => run("fresh") }, t("run_fresh"));
  freshBtn.hidden = true;
  busy();
  const showGrid = async () => {
    // A network error leaves the grid as it was; the rest of the tab still shows.
    const [a, counts] = await Promise.all([api("GET", `/api/fairs/${f.id}/agenda`).then((r) => r.data, () => null),
      api("GET", `/api/fairs/${f.id}/meetings/counts`).then((r) => (r.ok ? r.data : null), () => null)]);
    if (!a || !a.grid) return;
    version = a.schedule_version || 0;
    busy();
    freshBtn.hidden = !version;
    // Drawn again after a move or a run, each day's grid stays scrolled where the organiser left
    // it (by its date): the meeting just moved far down and right stays in sight.
    const scrolls = scrollsIn(grid);
    grid.replaceChildren(...b2bGrid(f, a, msg, showGrid));
    scrollAgain(grid, scrolls);
    showUnscheduled(a, left, counts);
    showMoved(b2bMoved.get(f.id) || [], a, grid, movedBox);
  };
  // The tab comes whole: a live update swaps it in with its grid and list, never empty.
  await showGrid();
  if (said && said.focus && Date.now() < said.until) {
    // Once the tab is on the page, a keyboard the redraw dropped goes back to the meeting.
    setTimeout(() => {
      const btn = grid.querySelector(`.mcell[data-meeting="${said.focus}"] button.move-menu`);
      if (btn && grid.isConnected && (!document.activeElement || document.activeElement === document.body)) btn.focus();
    }, 0);
  }
  // A new day is a working day: a morning 08:00–11:20, two hours' lunch, an afternoon to 16:00;
  // a saved day keeps what was set. The line under the form says the times as they are typed.
  const settings = form([
    { name: "date", label: t("day"), type: "date", value: d.date || nextB2BDay(f, days) }, { name: "start_time", label: t("start_time"), type: "time", value: d.start_time || "08:00" },
    { name: "slot_minutes", label: t("slot_minutes"), type: "number", value: d.slot_minutes || 20 }, { name: "slots", label: t("slots"), type: "number", value: d.slots || 18 },
    { name: "morning_slots", label: t("morning_slots"), type: "number", value: d.slots ? d.morning_slots ?? 0 : 10 }, { name: "tables", label: t("tables"), type: "number", value: d.tables || 10 },
    { name: "lunch_minutes", label: t("lunch_minutes"), type: "number", value: d.slots ? d.lunch_minutes || 0 : 120, min: 0, max: b2bMaxLunch, hint: t("lunch_hint") },
  ], t("save"), async (v) => {
    return saveDay({ date: v.date, start_time: v.start_time, slot_minutes: Number(v.slot_minutes), slots: Number(v.slots),
      morning_slots: Number(v.morning_slots), tables: Number(v.tables), lunch_minutes: Number(v.lunch_minutes || 0) });
  }, { id: "b2b" });
  const times = h("p", { class: "muted", id: "b2b-times" });
  const sayTimes = () => {
    const said = b2bTimes(settings);
    times.textContent = said.text;
    times.classList.toggle("refused", said.refused);
  };
  settings.addEventListener("input", sayTimes);
  settings.addEventListener("restored", sayTimes);
  sayTimes();
  return h("div", {}, h("div", { class: "card" }, h("h2", {}, t("b2b_days")), b2bDayPicker(f, days, at), settings, times, h("div", { class: "actions" }, at < days.length ? h("button", { type: "button", id: "b2b-day-remove", class: "secondary", onclick: async () => {
    if (!confirm(t("b2b_day_remove_confirm").replace("{day}", date(d.date)))) return;
    const r = await saveDay(null);
    if (!r.ok) toast(r.data.detail || t("failed"));
  } }, t("b2b_day_remove")) : null, runBtn, freshBtn), runSaid), left, h("div", { class: "card" }, h("h2", {}, t("agenda")), h("p", { class: "muted" }, t("move_hint")), movedBox, msg, grid));
}

// b2bTimes says the day the settings form describes: "Sáng 08:00–11:20 · Nghỉ trưa 11:20–13:20 ·
// Chiều 13:20–16:00", a session without slots left out; "" while a number or the start is not
// yet one. A lunch break the API would refuse is said with why, as the API says it, in place of
// its times (refused: true): out of its range, the afternoon's times are not known either; so is
// a day that would end past midnight.
function b2bTimes(settings) {
  const val = (name) => settings.querySelector(`[name="${name}"]`).value;
  const start = hhmm(val("start_time"));
  const [slot, slots, morning, lunch] = ["slot_minutes", "slots", "morning_slots", "lunch_minutes"].map((k) => Number(val(k) || 0));
  if (!start || !(slot > 0) || !(slots > 0) || !(morning >= 0) || morning > slots || Number.isNaN(lunch)) return { text: "", refused: false };
  const from = Number(start.slice(0, 2)) * 60 + Number(start.slice(3));
  const at = (min) => String(Math.floor((from + min) / 60) % 24).padStart(2, "0") + ":" + String((from + min) % 60).padStart(2, "0");
  const both = morning > 0 && morning < slots;
  // The API's rules, in its order: the range first, then a day with both sessions.
  const inRange = lunch >= 0 && lunch <= b2bMaxLunch;
  const refused = !inRange ? t("lunch_refused_range").replace("{max}", b2bMaxLunch) : lunch && !both ? t("lunch_refused_one_session") : "";
  const parts = [];
  if (morning) parts.push(`${t("s_morning")} ${at(0)}–${at(morning * slot)}`);
  if (both && lunch && !refused) parts.push(`${t("lunch")} ${at(morning * slot)}–${at(morning * slot + lunch)}`);
  const after = both ? morning * slot + lunch : 0;
  if (morning < slots && inRange) parts.push(`${t("s_afternoon")} ${at(after)}–${at(after + (slots - morning) * slot)}`);
  if (refused) parts.push(`${t("lunch")} ${refused}`);
  // The API's last rule, once the rest holds: the day ends by 24:00 (its times would wrap).
  const end = slots * slot + lunch;
  if (!refused && from + end > 24 * 60) return { text: t("day_past_midnight").replace("{end}", at(end)), refused: true };
  return { text: parts.join(" · "), refused: !!refused };
}

// b2bDayPicker chooses which of the fair's B2B days the settings form edits, or a new one; none
// while the fair has no day yet.
function b2bDayPicker(f, days, at) {
  if (!days.length) return null;
  return h("div", { class: "field" }, h("label", { for: "b2b-day-pick" }, t("b2b_day_pick")),
    h("select", { id: "b2b-day-pick", onchange: (ev) => {
      // The form shows the chosen day's settings, not what was typed for the other.
      b2bDayAt.set(f.id, ev.target.value);
      document.getElementById("b2b").reset();
      render(true);
    } },
      ...days.map((x, i) => h("option", { value: x.date, selected: i === at }, date(x.date))),
      h("option", { value: "new", selected: at === days.length }, t("b2b_day_new"))));
}

// nextB2BDay is the date a new B2B day starts from: the fair's first day without one, or none
// when every day of the fair has one.
function nextB2BDay(f, days) {
  const taken = new Set(days.map((x) => x.date));
  const day = new Date(f.start_date + "T00:00:00Z");
  for (let i = 0; i < 366; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    const iso = day.toISOString().slice(0, 10);
    if (iso > f.end_date) break;
    if (!taken.has(iso)) return iso;
  }
  return "";
}

// b2bDayBody is a B2B day as the settings are sent.
function b2bDayBody(x) {
  return { date: x.date, start_time: x.start_time, slot_minutes: x.slot_minutes, slots: x.slots, morning_slots: x.morning_slots,
    tables: x.tables, lunch_minutes: x.lunch_minutes || 0 };
}

// saveB2BDays sends every B2B day of the fair, in date order, over the fair's revision as the
// page shows it, and keeps the form on day (the one just saved; null: the first). A refusal about
// that day (or another on its date) is said at the form's fields; when another organiser saved
// the days meanwhile, the page shows them, with what was typed kept, to be saved again or not.
async function saveB2BDays(f, days, day) {
  days.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const r = await api("PUT", `/api/fairs/${f.id}/b2b-sessions`, { days }, { ifMatch: `"${f.revision}"` });
  if (r.ok) {
    b2bDayAt.set(f.id, day ? day.date : "");
    toast(t("saved"));
    render(true); // the next save goes over the days and revision just saved
  } else if (r.status === 409 && r.data && r.data.code === "fair_b2b_changed") {
    changedMeanwhile(r);
  } else if (day && r.data && Array.isArray(r.data.errors)) {
    const own = new Set(days.flatMap((x, i) => (x.date === day.date ? [`days[${i}].`] : [])));
    r.data.errors = r.data.errors.map((e) => {
      const m = e.field && /^days\[\d+\]\./.exec(e.field);
      return m && own.has(m[0]) ? { ...e, field: e.field.slice(m[0].length) } : e;
    });
  }
  return r;
}

// moveConflict says why meeting m cannot go to a cell ("" when it can, as far as the grid knows:
// the API also checks what the grid does not show, such as a participant's unavailability):
// the slot has started, it is outside the session both sides agreed on, the table is taken, or a
// participant meets someone else then. A cell can fail more than one; the reason named is the
// first the API checks, so the mark and the API's refusal agree.
function moveConflict(m, day, slot, table, a, days) {
  if (m.day === day && m.slot === slot && m.table === table) return "";
  const g = a.grid.find((x) => x.day === day);
  const s = g && g.slots.find((x) => x.slot === slot);
  if (s && new Date(s.starts_at) <= new Date()) return "move_started";
  const d = days.find((x) => x.date === day) || {};
  if (d.morning_slots !== undefined && ((m.session === "morning" && slot > d.morning_slots) || (m.session === "afternoon" && slot <= d.morning_slots))) return "move_session";
  const others = a.meetings.filter((o) => o.id !== m.id && o.day === day && o.slot === slot);
  if (others.some((o) => o.table === table)) return "move_taken";
  if (others.some((o) => o.buyer_id === m.buyer_id || o.producer_id === m.producer_id)) return "move_busy";
  return "";
}

// settledMeeting reports whether meeting m can no longer move, as the API refuses it
// (meeting_move_settled): held, attended, or its slot has started.
const settledMeeting = (m, now = new Date()) => !!(m.held || m.attended || (m.starts_at && new Date(m.starts_at) <= now));

// b2bGrid draws each day's slots × tables with its meetings, and wires the moves; msg says what
// the API answered, reload draws the grid again. A meeting that can no longer move offers no
// "Chuyển…" and cannot be dragged; the menu offers no slot that has started.
function b2bGrid(f, a, msg, reload) {
  const days = f.b2b_days || [];
  const byID = Object.fromEntries(a.meetings.map((m) => [m.id, m]));
  const root = h("div", {});
  let dragging = null;

  // mark shows, while m is being moved, which cells can take it and why the others cannot.
  const mark = (m) => {
    root.setAttribute("data-dirty", "1"); // a live update must not redraw the grid mid-move
    for (const td of root.querySelectorAll("td.cell")) {
      const why = moveConflict(m, td.dataset.day, Number(td.dataset.slot), Number(td.dataset.table), a, days);
      const here = m.day === td.dataset.day && m.slot === Number(td.dataset.slot) && m.table === Number(td.dataset.table);
      td.classList.toggle("no-drop", !!why);
      td.classList.toggle("can-drop", !why && !here);
      td.title = here ? "" : t(why || "move_free");
    }
  };
  const unmark = () => {
    root.removeAttribute("data-dirty");
    for (const td of root.querySelectorAll("td.cell")) { td.classList.remove("no-drop", "can-drop", "over"); td.removeAttribute("title"); }
  };
  // move asks the API to move m to a cell and answers true when it moved. The answer, or the
  // refusal in the API's words, goes to msg, which stays in view above the grid while the grid
  // scrolls under it (app.css), so it is seen wherever the meeting was dropped.
  // With keyboard set (the "Chuyển…" menu), a redraw gives the keyboard back to the meeting.
  const move = async (m, day, slot, table, keyboard) => {
    unmark();
    if (m.day === day && m.slot === slot && m.table === table) return false;
    // No live update redraws the tab while the move is asked: its answer would land in a
    // message no longer on the page.
    root.setAttribute("data-dirty", "1");
    const tell = (text, bad) => {
      msg.className = "move-msg" + (bad ? " bad" : "");
      msg.textContent = text;
      // The redraws the move causes come within seconds; later, the keyboard is the person's.
      b2bAnswers.set(f.id, { text, bad, focus: keyboard ? m.id : "", until: Date.now() + 10000 });
    };
    msg.className = "move-msg";
    msg.textContent = t("loading");
    const r = await api("POST", `/api/meetings/${m.id}/move`, { day, slot, table, schedule_version: a.schedule_version });
    root.removeAttribute("data-dirty");
    if (!r.ok) {
      tell((r.data && r.data.detail) || t("failed"), true);
      // A refusal because the grid is behind (the schedule was run again) redraws it, so that
      // the next try starts from where the meetings are.
      if (r.status === 409 && r.data && r.data.code === "meeting_move_schedule_changed") await reload();
      return false;
    }
    tell(`${t("move_done")}: ${m.buyer_name} – ${m.producer_name} → ${when(r.data.starts_at)} · ${t("table")} ${table}`, false);
    await reload();
    return true;
  };
  const cellOf = (el) => el && el.closest && el.closest("td.cell");

  // Drag and drop with a mouse (HTML5).
  root.addEventListener("dragstart", (ev) => {
    const box = ev.target.closest && ev.target.closest(".mcell");
    if (!box || box.draggable !== true) return;
    dragging = byID[box.dataset.meeting];
    ev.dataTransfer.setData("text/plain", dragging.id);
    ev.dataTransfer.effectAllowed = "move";
    mark(dragging);
  });
  root.addEventListener("dragover", (ev) => {
    const td = cellOf(ev.target);
    if (!dragging || !td) return;
    ev.preventDefault(); // every cell takes the drop: a marked one is refused by the API in words
    ev.dataTransfer.dropEffect = "move";
    root.querySelectorAll("td.over").forEach((x) => x !== td && x.classList.remove("over"));
    td.classList.add("over");
  });
  root.addEventListener("drop", (ev) => {
    const td = cellOf(ev.target);
    if (!dragging || !td) return;
    ev.preventDefault();
    const m = dragging;
    dragging = null;
    move(m, td.dataset.day, Number(td.dataset.slot), Number(td.dataset.table));
  });
  root.addEventListener("dragend", () => { dragging = null; unmark(); });

  // Dragging with a finger or a pen (pointer events): the cell under the finger is the target.
  root.addEventListener("pointerdown", (ev) => {
    const box = ev.target.closest && ev.target.closest(".mcell");
    if (!box || ev.pointerType === "mouse" || ev.target.closest("button") || box.draggable !== true) return;
    const m = byID[box.dataset.meeting];
    let over = null;
    try { box.setPointerCapture(ev.pointerId); } catch (e) { /* a pointer the page no longer knows: moves still reach the cell */ }
    mark(m);
    const moveTo = (e) => {
      const td = cellOf(document.elementFromPoint(e.clientX, e.clientY));
      if (td === over) return;
      if (over) over.classList.remove("over");
      over = td;
      if (over) over.classList.add("over");
    };
    const end = (e) => {
      box.removeEventListener("pointermove", moveTo);
      box.removeEventListener("pointerup", end);
      box.removeEventListener("pointercancel", cancel);
      moveTo(e);
      if (over) move(m, over.dataset.day, Number(over.dataset.slot), Number(over.dataset.table));
      else unmark();
    };
    const cancel = () => { over = null; end({ clientX: -1, clientY: -1 }); };
    box.addEventListener("pointermove", moveTo);
    box.addEventListener("pointerup", end);
    box.addEventListener("pointercancel", cancel);
  });

  // The "Chuyển…" menu: pick the slot and the table, each option saying why it cannot take the
  // meeting, if it cannot.
  const panelBox = h("div", { class: "move-panel-box" });
  const openMenu = (m) => {
    const slots = a.grid.flatMap((g) => g.slots.map((s) => ({ day: g.day, slot: s.slot, starts: s.starts_at, tables: g.tables })));
    const slotSel = h("select", { id: "move-slot" }, slots.map((s) => {
      const busy = moveConflict(m, s.day, s.slot, -1, a, days);
      const here = s.day === m.day && s.slot === m.slot;
      return h("option", { value: s.day + "|" + s.slot, selected: here, disabled: busy === "move_started" && !here }, `${date(s.day)} · ${t("slot")} ${s.slot} · ${time(s.starts)}` + (busy && busy !== "move_taken" ? ` (${t(busy)})` : ""));
    }));
    const tableSel = h("select", { id: "move-table" });
    const fillTables = () => {
      const [day, slot] = slotSel.value.split("|");
      const n = (a.grid.find((g) => g.day === day) || {}).tables || 0;
      const keep = tableSel.value || String(m.table);
      tableSel.replaceChildren(...Array.from({ length: n }, (_, i) => {
        const why = moveConflict(m, day, Number(slot), i + 1, a, days);
        return h("option", { value: i + 1, selected: String(i + 1) === keep }, `${t("table")} ${i + 1}` + (why ? ` (${t(why)})` : ""));
      }));
    };
    slotSel.addEventListener("change", fillTables);
    fillTables();
    const close = () => { panelBox.replaceChildren(); root.removeAttribute("data-dirty"); };
    // back closes the menu and gives the keyboard to the meeting's "Chuyển…", where it is now.
    const back = () => {
      close();
      const btn = document.querySelector(`#b2b-grid .mcell[data-meeting="${m.id}"] button.move-menu`);
      if (btn) btn.focus();
    };
    root.setAttribute("data-dirty", "1");
    panelBox.replaceChildren(h("div", { class: "move-panel card", id: "move-panel", role: "group", "aria-labelledby": "move-panel-title" },
      h("h3", { id: "move-panel-title", tabindex: "-1" }, t("move_title").replace("{who}", `${m.buyer_name} – ${m.producer_name}`)),
      h("div", { class: "grid2" }, h("div", {}, h("label", { for: "move-slot" }, t("move_to_slot")), slotSel), h("div", {}, h("label", { for: "move-table" }, t("move_to_table")), tableSel)),
      h("div", { class: "actions" }, h("button", { type: "button", id: "move-do", onclick: async (ev) => {
        // A refused move keeps the menu open, the keyboard on its button, to try another place;
        // a done one takes the keyboard to the meeting's "Chuyển…" in its new cell.
        const [day, slot] = slotSel.value.split("|");
        const btn = ev.currentTarget;
        const stays = day === m.day && Number(slot) === m.slot && Number(tableSel.value) === m.table;
        btn.disabled = true;
        if (!stays && !(await move(m, day, Number(slot), Number(tableSel.value), true)) && panelBox.isConnected) {
          root.setAttribute("data-dirty", "1");
          btn.disabled = false;
          btn.focus();
          return;
        }
        back();
      } }, t("move_do")), h("button", { type: "button", class: "secondary", onclick: back }, t("cancel")))));
    panelBox.querySelector("h3").focus();
  };

  for (const day of a.grid) {
    // A phone scrolls the grid sideways: the region takes the focus, so keys scroll it too. Its
    // day names it, so that a redraw scrolls it back to where it was (placeIn).
    const box = h("div", { class: "tablewrap", tabindex: "0", role: "region", "aria-label": t("agenda") + " " + date(day.day), dataset: { day: day.day } }, h("h2", {}, date(day.day)),
      // Its tables share the width (app.css): --tables is how many.
      h("table", { class: "agenda b2b", style: `--tables: ${day.tables}` }, h("thead", {}, h("tr", {}, h("th", {}, t("slot")), Array.from({ length: day.tables }, (_, i) => h("th", {}, t("table") + " " + (i + 1))))),
        h("tbody", {}, day.slots.map((s) => [h("tr", {}, h("td", { class: "slot" }, s.slot + " · " + time(s.starts_at)),
          Array.from({ length: day.tables }, (_, i) => {
            const cell = s.cells.find((x) => x.table === i + 1);
            const found = cell && byID[cell.meeting_id];
            const settled = !!found && settledMeeting(found);
            const m = settled ? null : found;
            return h("td", { class: "cell", dataset: { day: day.day, slot: s.slot, table: i + 1 } }, cell ? h("div", { class: "mcell" + (settled ? " settled" : ""), draggable: m ? "true" : undefined, dataset: { meeting: cell.meeting_id },
              title: settled ? t("move_settled") : undefined },
              cell.buyer_name, h("br"), h("span", { class: "muted" }, cell.producer_name),
              m && h("button", { type: "button", class: "secondary move-menu", "aria-label": `${t("move_menu")} ${cell.buyer_name} – ${cell.producer_name}`, onclick: () => openMenu(m) }, t("move_menu"))) : "");
          })),
          day.lunch && day.lunch.after_slot === s.slot ? lunchRow(day.lunch, day.tables) : null]))));
    root.append(box);
  }
  return [root, panelBox];
}

// showUnscheduled draws into box the meetings that agenda a's schedule run left unscheduled and
// why, as the API names them, and how many accepted meetings wait for a slot since (counts: the
// fair's meetings by where they stand), which a run places: "every meeting placed" is said only
// when none waits.
function showUnscheduled(a, box, counts) {
  const items = a.unscheduled || [];
  const version = a.schedule_version || 0;
  const waiting = counts ? Math.max(0, counts.accepted - counts.scheduled - items.length) : 0;
  const wait = waiting ? h("p", { id: "sched-waiting" }, badge(plural(waiting, "n_meetings"), "warn"), " ",
    t("sched_waiting"), " ", t(version ? "sched_waiting_repair" : "sched_waiting_run").replace("{run}", t(version ? "run_repair" : "run_schedule"))) : null;
  if (!version) { box.replaceChildren(...(wait ? [h("div", { class: "card", id: "waiting" }, wait)] : [])); return; }
  // The run's time: every item of one schedule has the same.
  const since = items.map((u) => u.since).sort().pop();
  const at = since ? " " + t("unsched_at").replace("{at}", when(since)) : "";
  box.replaceChildren(items.length
    ? h("div", { class: "card", id: "unscheduled", role: "region", "aria-labelledby": "unscheduled-title" }, h("h2", { id: "unscheduled-title" }, t("unsched_title"), " ", badge(String(items.length), "warn")),
      h("p", { class: "muted" }, t("unsched_hint"), at),
      h("ul", {}, items.map((u) => h("li", { dataset: { meeting: u.meeting_id, code: u.code } }, h("strong", {}, `${u.buyer_name} – ${u.producer_name}`), ": ", h("span", { class: "reason" }, u.reason)))), wait)
    : h("div", { class: "card", id: "unscheduled" }, wait || h("p", { class: "muted" }, t("unsched_none"))));
}

// showMoved names in box the meetings the last repair run had to move (moved, from its answer),
// from where to where, by the names in agenda a, and marks their cells on the grid; box is empty
// when none moved.
function showMoved(moved, a, grid, box) {
  const byId = new Map((a.meetings || []).map((m) => [m.id, m]));
  const place = (p) => `${date(p.day)} · ${t("slot")} ${p.slot} · ${t("table")} ${p.table}`;
  box.replaceChildren(...(moved.length ? [h("h3", {}, plural(moved.length, "n_moved")), h("p", { class: "muted" }, t("moved_told")),
    h("ul", { class: "moved-list" }, moved.map((x) => {
      const m = byId.get(x.meeting_id);
      return h("li", {}, h("strong", {}, m ? `${m.buyer_name} – ${m.producer_name}` : x.meeting_id), ": " + place(x.from) + " → " + place(x.to));
    }))] : []));
  for (const x of moved) grid.querySelector(`.mcell[data-meeting="${x.meeting_id}"]`)?.classList.add("moved");
}
