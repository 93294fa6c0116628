// The fair day. Organisers' staff at the gate or a B2B table check people in by their badge: the
// camera reads it where the browser can read QR codes, and the code on the badge can always be
// typed. Each scan is kept in the browser until the API answers it, so a few minutes without
// network lose nothing, and the scan's own ID makes a resend harmless. Producers and buyers with
// meetings show their badge on the phone or download it as a PDF.
"use strict";

// checkinKeys are where the page keeps its state in the browser: the scans the API has not
// answered yet (a reload keeps them) and the place chosen at each fair.
const checkinKeys = { queue: "ocopfair.checkin.queue", places: "ocopfair.checkin.places" };
// checkinRepeatMs is how long the same badge at the same place counts as one scan: a camera sees
// a badge held up to it many times a second, and staff may type a code twice.
const checkinRepeatMs = 5000;
// checkinRetry is the wait before sending again after a network failure, doubling up to max.
const checkinRetry = { first: 1000, max: 15000 };
// checkinMaxAgeMs is how old a scan the API still takes (24 hours): an older one is let go.
const checkinMaxAgeMs = 24 * 3600000;
// checkinKeepMs is how long a lapsed scan stays on the phone, unread, at most (7 days).
const checkinKeepMs = 7 * 24 * 3600000;

// CI is the check-in page's state for the life of the page (the queue itself is in storage).
const CI = {
  countEvery: 20000, // ms between readings of the fair's totals, which other staff's scans change
  answers: new Map(), // scan_id → { scan, ok, data }: the API's answers seen on this page
  seen: new Map(), // fair|place|table|code → { at, scan_id }: recent scans, against repeats
  sending: false,
  kick: false, // asked to send while sending
  wait: 0, // the current wait before the next try, after a network failure
  timer: 0,
  shown: "", // the scan_id shown big
  notice: "", // a word about the last camera read that is not a badge
  camera: null, // { stream, video, timer }
  detector: null, // a promise of the BarcodeDetector for QR codes, or of null
};

// ---------- the queue ----------

// A gate phone passes between staff: each scan is kept with the account that made it (by) and is
// sent only under that account's sign-in, never under the next person's (who may not check in
// at this fair: the API would refuse it, and the scan be lost). Another account's scans wait for
// it to sign in again here, until the API would no longer take them.

// ciKept is every scan kept on this phone, sendable or lapsed.
function ciKept() {
  try {
    const q = JSON.parse(localStorage.getItem(checkinKeys.queue) || "[]");
    return Array.isArray(q) ? q.filter((s) => s && Date.now() - Date.parse(s.scanned_at) < checkinKeepMs) : [];
  } catch (e) {
    return [];
  }
}

// ciLapsed says whether scan s is older than the API takes: it is never sent, but kept until
// the staff who made it have read which badges it held (the check-in page lists them), at most
// checkinKeepMs.
const ciLapsed = (s) => Date.now() - Date.parse(s.scanned_at) >= checkinMaxAgeMs;

// ciLapsedMine is the signed-in account's lapsed scans at fairID (or at every fair).
const ciLapsedMine = (fairID) => ciKept().filter((s) => ciLapsed(s) && ciMine(s) && (!fairID || s.fair_id === fairID));

// ciStored is every scan kept on this phone that the API still takes, whoever made it.
function ciStored() {
  return ciKept().filter((s) => !ciLapsed(s));
}

// ciMine says whether scan s is the signed-in account's (one kept before scans named their
// account is taken as the signed-in one's, as it was).
const ciMine = (s) => !s.by || s.by === (claims() || {}).sub;

// ciQueue is the signed-in account's scans waiting for the API's answer, oldest first.
function ciQueue() {
  return ciStored().filter(ciMine);
}

// ciStore keeps all as every scan kept on this phone that the API still takes, beside the lapsed
// ones (see ciLapsed).
function ciStore(all) {
  localStorage.setItem(checkinKeys.queue, JSON.stringify([...ciKept().filter(ciLapsed), ...all]));
}

// ciLetLapsedGo lets go of the signed-in account's lapsed scans at fairID (or at every fair).
function ciLetLapsedGo(fairID) {
  const gone = new Set(ciLapsedMine(fairID).map((s) => s.scan_id));
  localStorage.setItem(checkinKeys.queue, JSON.stringify(ciKept().filter((s) => !gone.has(s.scan_id))));
}

// ciSaveQueue keeps q as the signed-in account's waiting scans, beside the other accounts'.
function ciSaveQueue(q) {
  ciStore([...ciStored().filter((s) => !ciMine(s)), ...q]);
}

// ciForget lets go of the signed-in account's waiting scans (it chose to sign out without them).
function ciForget() {
  if (ciStored().length) ciSaveQueue([]);
  ciLetLapsedGo("");
}

// ciDrop lets go of the scan the API answered, whoever is signed in by then.
function ciDrop(scanID) {
  ciStore(ciStored().filter((x) => x.scan_id !== scanID));
}

// Scans kept before they named their account are the account signed in as the page loads.
(() => {
  const sub = (claims() || {}).sub;
  const all = ciStored();
  if (sub && all.some((s) => !s.by)) ciStore(all.map((s) => (s.by ? s : { ...s, by: sub })));
})();

// ciUUID is a random UUID v4; crypto.randomUUID exists only on secure pages.
function ciUUID() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// ciNow is the moment of a scan in RFC 3339 on Vietnam's clock (+07:00).
function ciNow() {
  return new Date(Date.now() + 7 * 3600000).toISOString().replace("Z", "+07:00");
}

// ciScan takes one read of a badge at a place. A repeat of the same badge at the same place
// within checkinRepeatMs is not queued again: its first answer is shown again instead.
function ciScan(fairID, place, code) {
  code = (code || "").trim();
  if (!code) return;
  const key = [fairID, place.place, place.table || 0, code].join("|");
  const now = Date.now();
  const prev = CI.seen.get(key);
  if (prev && now - prev.at < checkinRepeatMs) {
    prev.at = now;
    if (CI.shown !== prev.scan_id) { CI.shown = prev.scan_id; ciDraw(); }
    return;
  }
  const scan = { scan_id: ciUUID(), fair_id: fairID, code, place: place.place, scanned_at: ciNow(), by: (claims() || {}).sub };
  if (place.place === "table") scan.table = place.table;
  CI.seen.set(key, { at: now, scan_id: scan.scan_id });
  for (const [k, v] of CI.seen) if (now - v.at >= checkinRepeatMs) CI.seen.delete(k);
  ciSaveQueue([...ciQueue(), scan]);
  CI.shown = scan.scan_id;
  CI.notice = "";
  ciDraw();
  ciFlush();
}

// ciFlush sends the queued scans in the order they were made, one at a time. A scan leaves the
// queue once the API has answered it, whatever the answer (a refusal is shown as one). On a
// network failure, or when the gateway says the service is unavailable, it stays and is sent
// again later, waiting longer each time; an expired sign-in keeps it until the same account
// signs in again.
async function ciFlush() {
  if (CI.sending) { CI.kick = true; return; }
  clearTimeout(CI.timer);
  CI.sending = true;
  try {
    for (;;) {
      const q = ciQueue();
      if (!q.length || !S.token) break;
      if (!navigator.onLine) { ciRetry(); break; } // the "online" event sends at once
      const s = q[0];
      const body = { scan_id: s.scan_id, code: s.code, place: s.place, scanned_at: s.scanned_at };
      if (s.place === "table") body.table = s.table;
      let r = null;
      try {
        r = await api("POST", `/api/fairs/${s.fair_id}/checkins`, body, { quiet: true, idem: s.scan_id });
      } catch (e) {
        r = null; // no answer: the network failed
      }
      if (!r || [429, 502, 503, 504].includes(r.status)) { ciRetry(); break; }
      if (r.status === 401) break; // the queue waits for a new sign-in (see expired)
      CI.wait = 0;
      ciDrop(s.scan_id);
      CI.answers.set(s.scan_id, { scan: s, ok: r.ok, data: r.data || {} });
      // In a noisy hall the phone says the answer to the scan on screen by touch too: one short
      // buzz for ✔, three for ✘.
      if (s.scan_id === CI.shown && navigator.vibrate) navigator.vibrate(r.ok ? 80 : [120, 80, 120, 80, 120]);
      ciDraw();
    }
  } finally {
    CI.sending = false;
  }
  ciDraw();
  // The network came back while a try was failing: send now rather than after the wait.
  if (CI.kick) { CI.kick = false; if (navigator.onLine && ciQueue().length) { CI.wait = 0; setTimeout(ciFlush, 0); } }
}

function ciRetry() {
  CI.wait = Math.min(CI.wait ? CI.wait * 2 : checkinRetry.first, checkinRetry.max);
  clearTimeout(CI.timer);
  CI.timer = setTimeout(ciFlush, CI.wait);
}

window.addEventListener("online", () => { CI.wait = 0; ciFlush(); });
window.addEventListener("offline", () => ciDraw());
// Scans left from before a reload go out as soon as the page is up.
setTimeout(ciFlush, 0);

// ---------- the camera ----------

// ciDetector is the browser's QR code reader, or null where there is none (manual entry only).
function ciDetector() {
  if (!CI.detector) {
    CI.detector = (async () => {
      if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return null;
      try {
        const formats = await BarcodeDetector.getSupportedFormats();
        return formats.includes("qr_code") ? new BarcodeDetector({ formats: ["qr_code"] }) : null;
      } catch (e) {
        return null;
      }
    })();
  }
  return CI.detector;
}

// ciStartCamera shows the back camera in box and reads every QR code it sees, four times a
// second, until ciStopCamera. It reports whether the camera could be opened.
async function ciStartCamera(box, onCode) {
  const detector = await ciDetector();
  if (!detector) return false;
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
  } catch (e) {
    return false;
  }
  ciStopCamera();
  const video = h("video", { class: "ci-video", playsinline: true, muted: true, autoplay: true, "aria-label": t("ci_camera_view") });
  video.muted = true;
  video.srcObject = stream;
  box.replaceChildren(video);
  const cam = { stream, video, timer: 0, awake: null };
  CI.camera = cam;
  // The screen stays on while the camera scans (a phone at the gate would dim between people).
  if (navigator.wakeLock) navigator.wakeLock.request("screen").then((l) => { if (CI.camera === cam) cam.awake = l; else l.release(); }, () => {});
  video.play().catch(() => {});
  const tick = async () => {
    if (CI.camera !== cam) return;
    if (video.readyState >= 2) {
      try {
        for (const code of await detector.detect(video)) onCode(code.rawValue);
      } catch (e) {
        // a frame the reader could not take: the next one will do
      }
    }
    if (CI.camera === cam) cam.timer = setTimeout(tick, 250);
  };
  tick();
  return true;
}

function ciStopCamera() {
  const cam = CI.camera;
  if (!cam) return;
  CI.camera = null;
  clearTimeout(cam.timer);
  cam.stream.getTracks().forEach((tr) => tr.stop());
  if (cam.awake) cam.awake.release().catch(() => {});
  cam.video.remove();
  ciDraw();
}

// The camera is off whenever the page is left or hidden (a phone in a pocket).
window.addEventListener("hashchange", () => { if (!/^#\/checkin(\/|$)/.test(location.hash)) ciStopCamera(); });
document.addEventListener("visibilitychange", () => { if (document.hidden) ciStopCamera(); });

// ---------- the organisers' page ----------

function ciPlaceOf(fairID) {
  try {
    const p = (JSON.parse(localStorage.getItem(checkinKeys.places) || "{}") || {})[fairID];
    if (p && (p.place === "gate" || (p.place === "table" && p.table >= 1))) return p;
  } catch (e) {
    // a broken value: start at the gate
  }
  return { place: "gate" };
}

function ciSavePlace(fairID, p) {
  let all = {};
  try { all = JSON.parse(localStorage.getItem(checkinKeys.places) || "{}") || {}; } catch (e) { all = {}; }
  all[fairID] = p;
  localStorage.setItem(checkinKeys.places, JSON.stringify(all));
}

const ciPlaceName = (s) => (s.place === "table" ? t("ci_table_n").replace("{n}", s.table) : t("ci_gate"));

// ciRefusal is the API's refusal in the page's language: its detail and, unless the detail
// already says it all (a badge that is not valid), each field error under the field's name.
function ciRefusal(data) {
  const words = [data.detail || data.title || t("failed")];
  if (!/^badge_/.test(data.code || "")) {
    for (const e of data.errors || []) if (e.message) words.push((I18N[S.lang]["ci_field_" + e.field] || I18N.vi["ci_field_" + e.field] || e.field || "") + " " + e.message);
  }
  return words.join(" · ");
}

// ciHeadline splits a refusal into its first clause, said big, and the rest, said under it:
// "Mã thẻ không hợp lệ" and "thẻ giả, đã bị sửa hoặc đã bị thu hồi. …".
function ciHeadline(text) {
  const m = /^([^:]{4,80}):\s+(.+)$/s.exec(text);
  return m ? [m[1], m[2]] : [text, ""];
}

// viewCheckin is the check-in page of a fair: the fair and the place, the answer to the last
// scan, the camera and the typed code, and the scans of this page with those still waiting.
async function viewCheckin(fairID) {
  const c = claims();
  if (!c || (c.role !== "organiser" && c.role !== "admin")) return h("p", {}, t("ci_organisers_only"));
  // A live update redraws the page: the scanner, its camera and what was typed stay as they are.
  const key = (fairID || "") + "|" + S.lang;
  const shown = ciPage();
  if (shown && shown.key === key) return shown.node;
  ciStopCamera();
  let fairs = [];
  try {
    // The fairs this account runs (an admin: every fair) not over for more than a month: the
    // check-in of a fair long past is of no use at a gate, and they would grow without end.
    fairs = await all("/api/fairs?status=published,applications_closed,live,completed&from=" + today(-30) + (c.role === "admin" ? "" : "&organiser=me"));
    // A link to one of this account's fairs over for longer opens that fair, not another.
    if (fairID && !fairs.some((f) => f.id === fairID)) {
      const fr = await api("GET", "/api/fairs/" + fairID, undefined, { quiet: true });
      const runs = fr.ok && (c.role === "admin" || (fr.data.organisers || []).includes(c.sub));
      if (runs && !["draft", "cancelled"].includes(fr.data.status)) fairs.push(fr.data);
    }
  } catch (e) {
    return h("div", {}, h("h1", {}, t("checkin")), h("p", { class: "err" }, t("ci_no_network_page")));
  }
  const order = { live: 0, applications_closed: 1, published: 2, completed: 3 };
  fairs.sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9) || String(a.start_date).localeCompare(String(b.start_date)));
  if (!fairs.length) return h("div", {}, h("h1", {}, t("checkin")), guide("no-checkin-fair", t("ci_no_fair")));
  if (!fairID || !fairs.some((f) => f.id === fairID)) {
    history.replaceState(null, "", "#/checkin/" + fairs[0].id);
    fairID = fairs[0].id;
  }
  let fair = fairs.find((f) => f.id === fairID);
  try {
    const fr = await api("GET", "/api/fairs/" + fairID);
    if (fr.ok) fair = fr.data;
  } catch (e) {
    // the list's copy will do
  }
  const tables = Math.max(0, ...(fair.b2b_days || []).map((d) => d.tables || 0));
  let place = ciPlaceOf(fairID);
  if (place.place === "table" && place.table > tables) place = { place: "gate" };
  const placeValue = (p) => (p.place === "table" ? "table:" + p.table : "gate");

  const fairSelect = h("select", { id: "checkin-fair", onchange: (ev) => { location.hash = "#/checkin/" + ev.target.value; } },
    fairs.map((f) => h("option", { value: f.id, selected: f.id === fairID }, f.name_vi + " · " + date(f.start_date) + " – " + date(f.end_date))));
  const placeSelect = h("select", { id: "checkin-place", onchange: (ev) => {
    const [p, n] = ev.target.value.split(":");
    place = p === "table" ? { place: "table", table: Number(n) } : { place: "gate" };
    ciSavePlace(fairID, place);
    CI.shown = "";
    draw();
    if (matchMedia("(pointer: fine)").matches) code.focus();
  } }, [["gate", t("ci_gate")], ...Array.from({ length: tables }, (_, i) => ["table:" + (i + 1), t("ci_table_n").replace("{n}", i + 1)])]
    .map(([v, l]) => h("option", { value: v, selected: v === placeValue(place) }, l)));

  const code = h("input", { id: "checkin-code", type: "text", autocomplete: "off", autocapitalize: "off", spellcheck: "false", enterkeyhint: "go",
    placeholder: "7KQ2M-X9D4C", "aria-describedby": "checkin-code-hint" });
  const entry = h("form", { class: "ci-entry", id: "checkin-form", novalidate: true, onsubmit: (ev) => {
    ev.preventDefault();
    const v = code.value.trim();
    if (!v) { code.focus(); return; }
    ciScan(fairID, place, v);
    code.value = "";
    code.focus();
  } }, code, h("button", { type: "submit", id: "checkin-send" }, t("ci_check")));

  const camBox = h("div", { class: "ci-camera", id: "checkin-camera-box" });
  const camTools = h("div", { class: "actions", id: "checkin-camera-tools" });
  const onCamera = (raw) => {
    if (!/^OB1\./.test(raw || "")) {
      if (CI.notice !== raw) { CI.notice = raw; draw(); }
      return;
    }
    ciScan(fairID, place, raw);
  };
  const drawCamera = async () => {
    const detector = await ciDetector();
    if (!detector) { camTools.replaceChildren(h("p", { class: "muted", id: "checkin-no-camera" }, t("ci_no_detector"))); return; }
    camTools.replaceChildren(CI.camera
      ? h("button", { type: "button", class: "secondary", id: "checkin-camera", onclick: () => ciStopCamera() }, t("ci_camera_off"))
      : h("button", { type: "button", id: "checkin-camera", onclick: async (ev) => {
        ev.currentTarget.disabled = true;
        if (!(await ciStartCamera(camBox, onCamera))) toast(t("ci_camera_denied"));
        drawCamera();
      } }, t("ci_camera_on")));
  };

  const verdict = h("div", { id: "checkin-result", class: "verdict", role: "status", "aria-live": "polite" });
  const net = h("div", { id: "checkin-net" });
  const list = h("ol", { id: "checkin-list", class: "ci-list" });
  const totals = h("p", { id: "checkin-counts", class: "muted" });
  // counts says the fair's totals so far, all staff together; asked again after each answer.
  let counting = 0;
  const count = async () => {
    const mine = ++counting;
    let r = null;
    try { r = await api("GET", `/api/fairs/${fairID}/checkins?limit=1`, undefined, { quiet: true }); } catch (e) { return; }
    if (mine !== counting || !r.ok || !r.data || !r.data.counts) return;
    const n = r.data.counts;
    totals.textContent = t("ci_counts").replace("{people}", num(n.people)).replace("{gate}", num(n.gate)).replace("{table}", num(n.table)).replace("{attended}", num(n.attended_meetings));
  };

  const draw = () => {
    const queue = ciQueue().filter((s) => s.fair_id === fairID);
    const waiting = new Set(queue.map((s) => s.scan_id));
    const shown = CI.answers.get(CI.shown) || (waiting.has(CI.shown) ? { scan: queue.find((s) => s.scan_id === CI.shown), queued: true } : null);
    ciVerdict(verdict, shown, CI.notice);
    net.replaceChildren();
    if (!navigator.onLine) net.append(h("p", { class: "ci-offline", id: "checkin-offline" }, t("ci_offline")));
    if (queue.length) net.append(h("p", { class: "ci-pending", id: "checkin-pending" }, t("ci_pending").replace("{n}", num(queue.length))));
    if (queue.length && expired()) net.append(h("p", { class: "err" }, t("ci_sign_in_again")));
    // Scans that waited past what the API takes are not sent: the staff read which badges they
    // held (to note them by hand) before they go, rather than seeing them vanish.
    const lapsed = ciLapsedMine(fairID);
    if (lapsed.length) {
      net.append(h("div", { class: "warn-line", id: "checkin-lapsed" }, h("p", {}, t("ci_lapsed").replace("{n}", num(lapsed.length))),
        h("ul", {}, lapsed.map((s) => h("li", {}, `${when(s.scanned_at)} · ${s.code}`))),
        h("button", { type: "button", class: "secondary", id: "checkin-lapsed-ok", onclick: () => { ciLetLapsedGo(fairID); draw(); $("#checkin-code").focus(); } }, t("ci_lapsed_ok"))));
    }
    const answered = [...CI.answers.values()].filter((a) => a.scan.fair_id === fairID).reverse();
    const rows = [...queue.slice().reverse().map((s) => ({ scan: s, queued: true })), ...answered].slice(0, 30);
    list.replaceChildren(...rows.map(ciRow));
    drawCamera();
  };
  const node = h("div", { class: "checkin-page" }, h("h1", {}, t("checkin")),
    h("div", { class: "card ci-places" },
      h("div", { class: "field" }, h("label", { for: "checkin-fair" }, t("ci_fair")), fairSelect),
      h("div", { class: "field" }, h("label", { for: "checkin-place" }, t("ci_place")), placeSelect),
      ciNotToday(fair)),
    verdict,
    h("div", { class: "card" },
      h("label", { for: "checkin-code" }, t("ci_code")), entry, h("div", { class: "hint muted", id: "checkin-code-hint" }, t("ci_code_hint")),
      camTools, camBox),
    net,
    h("div", { class: "card" }, h("h2", {}, t("ci_scans")), totals, list),
    h("div", { class: "actions" }, h("a", { href: `/api/fairs/${fairID}/badges.pdf`, id: "checkin-badges-pdf", class: "button secondary", onclick: download }, t("ci_badges_pdf"))));
  let answered = CI.answers.size;
  // Kept under the fair it shows: an address without one was given the fair's above.
  node.ciPage = { key: fairID + "|" + S.lang, node, draw: () => { draw(); if (CI.answers.size !== answered) { answered = CI.answers.size; count(); } } };
  count();
  // The totals follow the other staff's scans too, while this page is shown and looked at.
  const again = () => {
    if (!totals.isConnected) return;
    if (document.visibilityState === "visible") count();
    setTimeout(again, CI.countEvery);
  };
  setTimeout(again, CI.countEvery);
  draw();
  ciFlush();
  // At a desk with a mouse (and maybe a handheld scanner that types), the cursor waits in the
  // code box; on a phone the keyboard would cover the answer, so it opens only on a tap.
  if (matchMedia("(pointer: fine)").matches) setTimeout(() => { if (node.isConnected) code.focus(); }, 0);
  return node;
}

// ciPage is the check-in page on screen ({ key, node, draw }), or null. It is read off the page
// shown, not kept from the last one built: two built at once (a live update while the page was
// first read) may be shown in either order, and only one is.
function ciPage() {
  const node = $("#app").firstElementChild;
  return (node && node.ciPage) || null;
}

// ciDraw redraws the check-in page if it is on screen.
function ciDraw() {
  const page = ciPage();
  if (page) page.draw();
}

// ciVerdict says the answer to one scan, big: ✔ who it is and their meeting at this table, ✘ the
// API's refusal, or that it waits for the network.
function ciVerdict(box, a, notice) {
  box.className = "verdict";
  box.replaceChildren();
  if (!a) {
    box.append(notice ? h("p", { class: "ci-notice" }, t("ci_not_badge")) : h("p", { class: "muted" }, t("ci_ready")));
    return;
  }
  const where = h("div", { class: "ci-where" }, ciPlaceName(a.scan), " · ", ciWhen(a.scan.scanned_at));
  if (a.queued) {
    box.classList.add("wait");
    box.append(h("div", { class: "mark" }, "⏳ ", t("ci_waiting")), h("p", {}, t("ci_waiting_hint")), where);
    return;
  }
  if (!a.ok) {
    box.classList.add("bad");
    const [head, rest] = ciHeadline(ciRefusal(a.data));
    box.append(...[h("div", { class: "mark" }, "✘ ", head), rest ? h("p", { class: "ci-why" }, rest) : null, where].filter(Boolean));
    return;
  }
  const d = a.data;
  const p = d.participant || {};
  box.classList.add("ok");
  box.append(h("div", { class: "mark" }, "✔ ", h("span", { class: "who" }, p.name || "")));
  if (p.organisation && p.organisation !== p.name) box.append(h("div", { class: "org" }, p.organisation));
  box.append(h("div", {}, badge(t("ci_kind_" + p.kind)), d.repeat ? h("span", { class: "ci-repeat" }, " ", t("ci_repeat")) : null));
  if (d.place === "table") box.append(ciMeeting(d.meeting, a.scan.scanned_at));
  box.append(where);
}

// ciNotToday warns staff who scan at a fair whose days do not include today (Vietnam's date): a
// rehearsal the day before, or the wrong fair chosen. Scans are still taken (a fair may open early).
function ciNotToday(fair) {
  const day = today();
  if (!fair.start_date || !fair.end_date || (day >= fair.start_date.slice(0, 10) && day <= fair.end_date.slice(0, 10))) return null;
  return h("p", { class: "full warn-line", id: "checkin-not-today", role: "note" }, t("ci_not_today").replace("{from}", date(fair.start_date)).replace("{to}", date(fair.end_date)));
}

// ciMeeting is the participant's meeting at this table: when, with whom, and whether it counts
// as attended (both sides checked in).
function ciMeeting(m, scannedAt) {
  if (!m) return h("p", { class: "ci-meeting none" }, t("ci_no_meeting"));
  // A meeting on another day than the scan is a warning that says its day: the person may have
  // come on the wrong one, and a scan today does not count it attended.
  // A scan queued offline on an earlier day names that day, not "today".
  const otherDay = date(m.slot_start) !== date(scannedAt);
  const warning = ciToday(scannedAt) ? t("ci_not_today_table") : t("ci_not_that_day_table").replace("{day}", date(scannedAt));
  return h("p", { class: "ci-meeting" + (otherDay ? " warn-line other-day" : "") }, otherDay ? warning + " " : "",
    t("ci_meeting").replace("{from}", time(m.slot_start)).replace("{to}", when(m.slot_end, !otherDay)).replace("{n}", m.table), " ",
    h("strong", {}, m.other_party), m.attended ? [" ", badge(t("ci_attended"))] : null);
}

// ciWhen is when a scan was made: its time, and its date too when that was not today (a scan
// queued offline and sent later).
const ciToday = (at) => date(at) === date(new Date().toISOString());
const ciWhen = (at) => when(at, ciToday(at));

// ciRow is one scan in the list: waiting for the network, checked in, or refused.
function ciRow(a) {
  const stamp = h("span", { class: "muted" }, ciWhen(a.scan.scanned_at) + " · " + ciPlaceName(a.scan) + " · ");
  if (a.queued) return h("li", { class: "wait", dataset: { scan: a.scan.scan_id } }, stamp, "⏳ ", t("ci_queued"), " ", h("span", { class: "muted" }, "…" + a.scan.code.slice(-6)));
  if (!a.ok) return h("li", { class: "bad", dataset: { scan: a.scan.scan_id } }, stamp, "✘ ", ciHeadline(ciRefusal(a.data))[0]);
  const p = a.data.participant || {};
  return h("li", { class: "ok", dataset: { scan: a.scan.scan_id } }, stamp, "✔ ", h("strong", {}, p.name || ""), p.organisation && p.organisation !== p.name ? " — " + p.organisation : "",
    a.data.meeting && a.data.meeting.attended ? [" ", badge(t("ci_attended"))] : null);
}

// ---------- a participant's own badge ----------

// viewBadge shows a producer's or buyer's badge at a fair where they have meetings, or for a
// producer a booth: the QR big enough to scan from the phone, who they are, the code to type if a
// camera fails, and the PDF.
async function viewBadge(fairID) {
  const c = claims();
  if (!c || (c.role !== "producer" && c.role !== "buyer")) return h("p", {}, t("badge_participants_only"));
  try {
    return await badgePage(c, fairID);
  } catch (e) {
    // No network (a venue's Wi-Fi down, a crowd on one cell): the badge kept on this phone, with
    // when it was kept. The gate reads it as it reads the live one.
    const kept = keptOf("badge", c);
    const ids = Object.keys(kept).filter((id) => !fairID || id === fairID);
    if (!networkLost(e) || !ids.length) throw e;
    if (ids.length > 1) {
      return h("div", {}, h("h1", {}, t("my_badge")), keptNote("badge_offline"),
        h("div", { class: "card" }, h("p", {}, t("badge_pick_fair")),
          h("ul", { id: "badge-fairs" }, ids.map((id) => h("li", {}, h("a", { href: "#/badge/" + id }, kept[id].badge.fair_name))))));
    }
    if (!fairID) history.replaceState(null, "", "#/badge/" + ids[0]);
    const k = kept[ids[0]];
    return badgeCard(ids[0], k.badge, k.qr, keptNote("badge_offline_at", k.at));
  }
}

async function badgePage(c, fairID) {
  if (!fairID) {
    const [meetings, apps] = await Promise.all([all("/api/meetings"), c.role === "producer" ? all("/api/applications") : []]);
    const ids = [...new Set([...apps.filter((a) => (a.booths || []).length).map((a) => a.fair_id), ...meetings.filter((m) => m.status === "accepted").map((m) => m.fair_id)])];
    if (!ids.length) return h("div", {}, h("h1", {}, t("my_badge")), guide("no-badge", t("badge_no_meeting"), h("a", { href: "#/meetings", class: "button" }, t("meetings"))));
    if (ids.length > 1) {
      const names = await Promise.all(ids.map((id) => api("GET", "/api/fairs/" + id).then((r) => (r.ok ? r.data.name_vi : id))));
      return h("div", {}, h("h1", {}, t("my_badge")), h("div", { class: "card" }, h("p", {}, t("badge_pick_fair")),
        h("ul", { id: "badge-fairs" }, ids.map((id, i) => h("li", {}, h("a", { href: "#/badge/" + id }, names[i]))))));
    }
    fairID = ids[0];
    history.replaceState(null, "", "#/badge/" + fairID);
  }
  const r = reached(await api("GET", `/api/fairs/${fairID}/badge`));
  if (!r.ok) {
    if (r.status === 403 || r.status === 404) keepFor("badge", c, fairID, null); // no longer a badge here
    return h("div", {}, h("h1", {}, t("my_badge")), h("p", { class: "card", id: "badge-refused" }, (r.data && (r.data.detail || r.data.title)) || t("failed")));
  }
  const b = r.data;
  // The QR comes with the token, so it is fetched and shown as a data: address (the page allows
  // no blob: images); an SVG in an <img> runs nothing.
  let qr = "";
  const svg = await fetch(`/api/fairs/${fairID}/badge.svg`, { headers: { Authorization: "Bearer " + S.token } }).catch(() => null);
  if (svg && svg.ok) qr = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(await svg.text());
  if (qr) keepFor("badge", c, fairID, { badge: b, qr });
  return badgeCard(fairID, b, qr);
}

// badgeCard is the badge page: the QR, who it is, the code to type and the PDF (note: what is
// said above it, such as the network being lost).
function badgeCard(fairID, b, qr, note) {
  return h("div", { class: "badge-page" }, h("h1", {}, t("my_badge")), note || null,
    h("div", { class: "card badge-card", id: "badge" },
      h("div", { class: "badge-fair" }, b.fair_name),
      qr ? h("img", { id: "badge-qr", src: qr, alt: t("badge_qr_alt"), width: 280, height: 280 }) : h("p", { class: "err" }, t("failed")),
      h("div", { class: "badge-name", id: "badge-name" }, b.name),
      b.organisation && b.organisation !== b.name ? h("div", { class: "badge-org" }, b.organisation) : null,
      h("div", {}, badge(b.role_label || t("ci_kind_" + b.kind)), b.province ? h("span", { class: "muted" }, " · " + b.province) : null),
      h("p", { class: "muted" }, t("badge_show_hint")),
      // The code to read out when the camera cannot read the badge: short, without look-alikes.
      h("p", { class: "badge-manual" }, t("badge_code") + ": ", h("strong", { id: "badge-manual", translate: "no" }, b.manual_code)),
      h("div", { class: "actions" }, h("a", { href: `/api/fairs/${fairID}/badge.pdf`, id: "badge-pdf", class: "button", onclick: download }, t("badge_pdf")))));
}
