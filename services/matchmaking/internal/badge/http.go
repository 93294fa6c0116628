package badge

import (
	"bytes"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/printout"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/index"
	"github.com/ocopfair/ocopfair/services/matchmaking/internal/meeting"
)

type badgeResponse struct {
	Code          string `json:"code" doc:"the text the badge's QR code carries (OB1.<id>.<signature>): it identifies the badge, not the account"`
	ManualCode    string `json:"manual_code" doc:"the code staff type when the camera cannot read the badge (10 characters of Crockford's base 32, e.g. 7KQ2M-X9D4C; printed on the badge); POST checkins takes it as code"`
	FairID        string `json:"fair_id"`
	FairName      string `json:"fair_name"`
	ParticipantID string `json:"participant_id"`
	Kind          string `json:"kind" enum:"producer,buyer"`
	Name          string `json:"name"`
	Organisation  string `json:"organisation"`
	Province      string `json:"province"`
	RoleLabel     string `json:"role_label" doc:"the role as the badge says it, in the language of Accept-Language"`
}

type checkInRequest struct {
	ScanID    string `json:"scan_id" required:"true" format:"uuid" doc:"made by the scanning page when it scanned: the same scan sent again is stored once"`
	Code      string `json:"code" required:"true" doc:"the text of the badge's QR code, or its manual_code typed by hand (either case; spaces and dashes ignored; O read as 0, I and L as 1)"`
	Place     string `json:"place" required:"true" enum:"gate,table"`
	Table     int    `json:"table" doc:"the B2B table, from 1 to the fair's number of tables; required at a table"`
	ScannedAt string `json:"scanned_at" format:"date-time" doc:"when the page scanned it (a scan queued offline arrives later); default now; at most 2 minutes ahead and 24 hours old"`
}

type participantResponse struct {
	ID           string `json:"id"`
	Kind         string `json:"kind" enum:"producer,buyer"`
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
}

type tableMeetingResponse struct {
	ID         string `json:"id" format:"uuid"`
	SlotStart  string `json:"slot_start" format:"date-time"`
	SlotEnd    string `json:"slot_end" format:"date-time"`
	Table      int    `json:"table"`
	OtherParty string `json:"other_party" doc:"the other participant's name"`
	Attended   bool   `json:"attended" doc:"both participants checked in at the table within the slot (from 15 minutes before it)"`
}

type checkInResponse struct {
	ID          string                `json:"id" format:"uuid" doc:"the scan ID"`
	ScanID      string                `json:"scan_id" format:"uuid"`
	FairID      string                `json:"fair_id"`
	Place       string                `json:"place" enum:"gate,table"`
	Table       int                   `json:"table,omitempty"`
	ScannedAt   string                `json:"scanned_at" format:"date-time"`
	ReceivedAt  string                `json:"received_at" format:"date-time"`
	Repeat      bool                  `json:"repeat" doc:"this scan was recorded before: nothing was counted again"`
	Participant participantResponse   `json:"participant"`
	Meeting     *tableMeetingResponse `json:"meeting" doc:"at a table: the participant's meeting at that table nearest the scan time; null otherwise"`
}

type countsResponse struct {
	Gate             int `json:"gate"`
	Table            int `json:"table"`
	People           int `json:"people" doc:"people checked in anywhere"`
	AttendedMeetings int `json:"attended_meetings"`
}

type checkInList struct {
	Items      []checkInResponse `json:"items"`
	NextCursor string            `json:"next_cursor,omitempty"`
	Counts     countsResponse    `json:"counts"`
}

// Routes serves badges and check-ins over HTTP.
type Routes struct {
	*Service
}

// Register registers the routes.
func (rt *Routes) Register(api httpx.API) {
	sides := []string{auth.RoleBuyer, auth.RoleProducer}
	staff := []string{auth.RoleOrganiser, auth.RoleAdmin}
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/badge", Tag: "badges", Roles: sides,
		Summary: "The signed-in producer's or buyer's badge at the fair, issued on first ask; 404 (badge_none) without an accepted meeting there, or for a producer without a booth there either.", Response: badgeResponse{}}, rt.own)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/badge.pdf", Tag: "badges", Roles: sides,
		Summary: "The signed-in producer's or buyer's badge as an A6 card to print: fair, name, organisation, role and the QR code of the badge.", Files: []string{"application/pdf"}}, rt.ownPDF)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/badge.svg", Tag: "badges", Roles: sides,
		Summary: "The QR code of the signed-in producer's or buyer's badge as an SVG, to show on the phone.", Files: []string{"image/svg+xml"}}, rt.ownSVG)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/badges.pdf", Tag: "badges", Roles: staff,
		Summary: "Every badge of the fair (each exhibitor, and each producer and buyer with an accepted meeting there), one A6 card a page: producers first, then buyers, by name. The fair's organisers and admins.", Files: []string{"application/pdf"}}, rt.allPDF)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:fairId/badges/:participantId/revoke", Tag: "badges", Roles: staff, Status: http.StatusNoContent, Idempotent: true,
		Summary: "Revoke a participant's badge (lost or misused): its code is refused from then on, and the participant's next badge is a new one. Sent again while the participant holds no new badge, it answers 204 again; retried with the same Idempotency-Key it replays the first answer, so a late retry never revokes the badge issued since. 404 when the participant never held one at the fair."}, rt.revoke)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:fairId/checkins", Tag: "badges", Roles: staff, Status: http.StatusCreated, AlsoStatuses: []int{http.StatusOK},
		Summary: "Check a badge in at the gate or at a B2B table (the fair's organisers and admins): 201 the first time, 200 with repeat true for a scan ID sent before with the same badge, place, table and time (nothing counted twice); 422 checkin_scan_reused on scan_id for a scan ID sent before with another. A meeting whose two participants checked in at its table from 15 minutes before its slot to its end is marked attended, whichever scan arrives first (matchmaking.meeting.attended). 422 badge_invalid for a forged, altered, unknown or revoked code, badge_other_fair for another fair's badge (its QR code: a manual code is looked up among this fair's valid badges only, so another fair's is badge_invalid).",
		Request: checkInRequest{}, Response: checkInResponse{}}, rt.checkIn)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/checkins", Tag: "badges", Roles: staff,
		Summary:  "The fair's check-ins, newest first, with the counts at the gate and at tables, the people checked in and the meetings attended (the fair's organisers and admins).",
		Response: checkInList{}, Query: []openapi.Param{{Name: "limit", Type: "integer"}, {Name: "cursor"}}}, rt.list)
}

// fair returns the :fairId fair, answering 404 when it is unknown.
func (rt *Routes) fair(c *gin.Context) (index.Fair, bool) {
	f, ok := rt.Index.Fair(c.Param("fairId"))
	if p, _ := httpx.PrincipalFrom(c); ok && f.Private() && !rt.organiser(p, f) {
		ok = false // a draft is unknown to all but its organisers, as the event service answers
	}
	if !ok {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFairUnknown))
	}
	return f, ok
}

// staffFair returns the :fairId fair when the caller organises it, answering 404 or 403 otherwise.
func (rt *Routes) staffFair(c *gin.Context) (index.Fair, auth.Principal, bool) {
	f, ok := rt.fair(c)
	if !ok {
		return index.Fair{}, auth.Principal{}, false
	}
	p, _ := httpx.PrincipalFrom(c)
	if !rt.organiser(p, f) {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgStaffOnly))
		return index.Fair{}, auth.Principal{}, false
	}
	return f, p, true
}

// ownBadge returns the caller's badge at the :fairId fair, answering the error otherwise.
func (rt *Routes) ownBadge(c *gin.Context) (index.Fair, Badge, bool) {
	f, ok := rt.fair(c)
	if !ok {
		return index.Fair{}, Badge{}, false
	}
	p, _ := httpx.PrincipalFrom(c)
	b, err := rt.Own(c.Request.Context(), f, p)
	if err != nil {
		httpx.RespondError(c, err)
		return index.Fair{}, Badge{}, false
	}
	return f, b, true
}

func (rt *Routes) cardOf(f index.Fair, b Badge, lang apperr.Lang) Card {
	return Card{Code: rt.Key.Code(b.ID), Manual: rt.Key.Manual(b.ID), FairName: f.Name, Kind: b.Kind, RoleLabel: roleLabel(b.Kind, lang), Name: b.Name,
		Organisation: b.Organisation, Province: b.Province}
}

func (rt *Routes) own(c *gin.Context) {
	f, b, ok := rt.ownBadge(c)
	if !ok {
		return
	}
	c.Header("Vary", "Accept-Language")
	c.Header("Cache-Control", "private, no-store")
	lang := httpx.Lang(c)
	c.JSON(http.StatusOK, badgeResponse{Code: rt.Key.Code(b.ID), ManualCode: rt.Key.Manual(b.ID), FairID: f.ID, FairName: f.Name, ParticipantID: b.ParticipantID, Kind: b.Kind,
		Name: b.Name, Organisation: b.Organisation, Province: b.Province, RoleLabel: roleLabel(b.Kind, lang)})
}

func (rt *Routes) ownPDF(c *gin.Context) {
	f, b, ok := rt.ownBadge(c)
	if !ok {
		return
	}
	rt.sendCards(c, "the-"+f.ID+".pdf", f.Name, []Card{rt.cardOf(f, b, httpx.Lang(c))})
}

func (rt *Routes) ownSVG(c *gin.Context) {
	_, b, ok := rt.ownBadge(c)
	if !ok {
		return
	}
	svg, err := printout.QRSVG(rt.Key.Code(b.ID))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "image/svg+xml", svg)
}

func (rt *Routes) allPDF(c *gin.Context) {
	f, _, ok := rt.staffFair(c)
	if !ok {
		return
	}
	bs, err := rt.All(c.Request.Context(), f)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if len(bs) == 0 {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgNoBadges))
		return
	}
	lang := httpx.Lang(c)
	cards := make([]Card, len(bs))
	for i, b := range bs {
		cards[i] = rt.cardOf(f, b, lang)
	}
	rt.sendCards(c, "the-"+f.ID+"-tat-ca.pdf", f.Name, cards)
}

// sendCards answers with the cards as a PDF to download under file.
func (rt *Routes) sendCards(c *gin.Context, file, title string, cards []Card) {
	var buf bytes.Buffer
	if err := RenderCards(&buf, title, cards); err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+file+`"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

func (rt *Routes) revoke(c *gin.Context) {
	f, _, ok := rt.staffFair(c)
	if !ok {
		return
	}
	done, err := rt.Store.Revoke(c.Request.Context(), f.ID, c.Param("participantId"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if !done {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgNoBadge))
		return
	}
	c.Status(http.StatusNoContent)
}

// tables is the most B2B tables any day of fair f has: a check-in's table is one of them.
func tables(f index.Fair) int {
	n := 0
	for _, d := range f.B2BDays {
		n = max(n, d.Tables)
	}
	return n
}

// scan validates a check-in request against the time now and the fair's number of tables: every
// field's problem at once.
func (req checkInRequest) scan(now time.Time, tables int) (Scan, error) {
	var v apperr.Validation
	id, err := uuid.Parse(req.ScanID)
	v.Expect(err == nil && len(req.ScanID) == 36, "scan_id", msgScanID)
	v.Expect(req.Code != "", "code", apperr.Required)
	v.Expect(req.Place == PlaceGate || req.Place == PlaceTable, "place", apperr.OneOf, apperr.OrOf(PlaceGate, PlaceTable))
	if req.Place == PlaceTable {
		if v.Expect(req.Table >= 1, "table", msgTableRequired) {
			if v.Expect(tables > 0, "table", msgNoTables) {
				v.Expect(req.Table <= tables, "table", apperr.Between, 1, tables)
			}
		}
	} else {
		v.Expect(req.Table == 0, "table", msgTableAtGate)
	}
	var at time.Time
	if req.ScannedAt != "" {
		at, err = time.Parse(time.RFC3339, req.ScannedAt)
		if v.Expect(err == nil, "scanned_at", apperr.NotTime) {
			v.Expect(!at.After(now.Add(maxAhead)), "scanned_at", msgScanFuture)
			v.Expect(!at.Before(now.Add(-maxAge)), "scanned_at", msgScanOld)
		}
	}
	if err := v.Err(); err != nil {
		return Scan{}, err
	}
	return Scan{ScanID: id.String(), Code: req.Code, Place: req.Place, Table: req.Table, ScannedAt: at}, nil
}

func (rt *Routes) checkIn(c *gin.Context) {
	var req checkInRequest
	if !httpx.Bind(c, &req) {
		return
	}
	f, p, ok := rt.staffFair(c)
	if !ok {
		return
	}
	in, err := req.scan(rt.now(), tables(f))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	in.By = p.AccountID
	res, err := rt.CheckIn(c.Request.Context(), f, in)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	status := http.StatusCreated
	if res.Repeat {
		status = http.StatusOK
	}
	c.JSON(status, rt.shape(f, res.CheckIn, res.Repeat))
}

func (rt *Routes) list(c *gin.Context) {
	f, _, ok := rt.staffFair(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var before string
	page, err := httpx.PageAfter(c, &before)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	cs, err := rt.Store.Page(ctx, f.ID, before, page.Limit+1)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	counts, err := rt.Store.Count(ctx, f.ID)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	l := httpx.ListOf(cs, page.Limit, func(x CheckIn) any { return orderOf(x) }, func(x CheckIn) checkInResponse { return rt.shape(f, x, false) })
	c.JSON(http.StatusOK, checkInList{Items: l.Items, NextCursor: l.NextCursor,
		Counts: countsResponse{Gate: counts.Gate, Table: counts.Table, People: counts.People, AttendedMeetings: rt.AttendedCount(f.ID)}})
}

// shape is a check-in as the staff's page sees it, with the meeting at its table.
func (rt *Routes) shape(f index.Fair, x CheckIn, repeat bool) checkInResponse {
	r := checkInResponse{ID: x.ScanID, ScanID: x.ScanID, FairID: x.FairID, Place: x.Place, Table: x.Table, ScannedAt: x.ScannedAt.Format(time.RFC3339),
		ReceivedAt: x.ReceivedAt.Format(time.RFC3339), Repeat: repeat,
		Participant: participantResponse{ID: x.ParticipantID, Kind: x.Kind, Name: x.Name, Organisation: x.Organisation}}
	if m, ok := rt.MeetingAt(f, x); ok {
		start := meeting.SlotStart(f, m.Day, m.Slot)
		_, end := meeting.SlotWindow(f, m.Day, m.Slot)
		other := rt.Agendas.BuyerName(m.BuyerID)
		if x.Kind == KindBuyer {
			if prod, ok := rt.Index.ProducerByID(m.ProducerID); ok {
				other = prod.Name
			}
		}
		r.Meeting = &tableMeetingResponse{ID: m.ID, SlotStart: start.Format(time.RFC3339), SlotEnd: end.Format(time.RFC3339), Table: m.Table,
			OtherParty: other, Attended: !m.AttendedAt.IsZero()}
	}
	return r
}
