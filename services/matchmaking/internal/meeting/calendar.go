package meeting

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// FeedCollection holds the private calendar feeds: one per account and fair, by a key derived
// from the two, with the feed's secret.
const FeedCollection = "calendar_feeds"

// The messages of the agenda's calendar.
var (
	msgICSName = apperr.M("calendar.name",
		"Lịch gặp B2B – %s",
		"B2B meetings – %s")
	msgICSSummary = apperr.M("calendar.summary",
		"Gặp B2B: %s",
		"B2B meeting: %s")
	msgICSLocation = apperr.M("calendar.location",
		"Bàn %d, khu gặp gỡ B2B – %s",
		"Table %d, B2B meeting area – %s")
	msgICSDescription = apperr.M("calendar.description",
		"Bên mua: %s. Chủ thể OCOP: %s. Khung giờ %d, bàn %d.",
		"Buyer: %s. Producer: %s. Slot %d, table %d.")
	msgFeedNotFound = apperr.M("calendar_feed_not_found",
		"Không có lịch nào ở địa chỉ này; địa chỉ có thể đã được đổi. Hãy lấy địa chỉ mới trong lịch gặp của bạn.",
		"There is no calendar at this address; it may have been replaced. Get the new address from your agenda.")
	msgCalendarParticipants = apperr.M("calendar_participants_only",
		"Chỉ bên mua và chủ thể OCOP có lịch gặp riêng.",
		"Only buyers and producers have a calendar of their own.")
)

// Calendar serves a participant's agenda as a calendar file, and private feed addresses that
// calendar apps subscribe to without signing in.
type Calendar struct {
	Routes *Routes
	Feeds  *mongo.Collection
	// Revoked are the accounts whose sessions ended (signed out everywhere, password changed,
	// disabled): their feeds made before that answer 404 at once, and OnAccountRevoked deletes
	// them for good.
	Revoked *auth.Revocations
}

// feedDoc is a private feed: its _id is feedKey(account, fair); Token is the secret its address
// carries. Replacing the token replaces the address; the old one stops at once.
type feedDoc struct {
	ID          string    `bson:"_id"`
	Token       string    `bson:"token"`
	FairID      string    `bson:"fair_id"`
	Account     string    `bson:"account,omitempty"` // who made it (feeds made before this field have none)
	Participant string    `bson:"participant"`
	Lang        string    `bson:"lang"`
	CreatedAt   time.Time `bson:"created_at"`
}

// feedResponse is a private feed's address.
type feedResponse struct {
	Path string `json:"path" doc:"the feed's path on this site (GET, no sign-in); add it to a calendar app as a subscription. Keep it private: whoever has it sees your meetings"`
}

// feedKey is the feed's document ID: not the account's ID, so that an address does not name it.
func feedKey(accountID, fairID string) string {
	sum := sha256.Sum256([]byte("calendar-feed\x00" + accountID + "\x00" + fairID))
	return hex.EncodeToString(sum[:16])
}

// Register registers the calendar routes.
func (cal *Calendar) Register(api httpx.API) {
	sides := []string{auth.RoleBuyer, auth.RoleProducer}
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/fairs/:fairId/agenda/calendar.ics", Tag: "scheduling", Roles: sides,
		Summary: "The caller's scheduled meetings at the fair as an iCalendar file (text/calendar), to import into a calendar app; each meeting keeps its UID, and a later schedule raises its SEQUENCE.",
		Files:   []string{"text/calendar"}, Headers: map[string]string{"ETag": "a hash of the body"}}, cal.download)
	api.Handle(openapi.Op{Method: http.MethodPost, Path: "/api/fairs/:fairId/agenda/feed", Tag: "scheduling", Roles: sides,
		Summary:  "A private address of the caller's calendar at the fair, for a calendar app to subscribe to. Each call makes a new address and ends the one before (to revoke a shared one). The feed's texts are in the language of this request.",
		Response: feedResponse{}}, cal.createFeed)
	api.Handle(openapi.Op{Method: http.MethodDelete, Path: "/api/fairs/:fairId/agenda/feed", Tag: "scheduling", Roles: sides,
		Summary: "End the caller's private calendar address at the fair.", Status: http.StatusNoContent}, cal.deleteFeed)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: "/api/calendar/:feed", Tag: "scheduling",
		Summary: "A private calendar feed (text/calendar), by the address POST .../agenda/feed gave; no sign-in. 404 once the address was replaced or ended.",
		Files:   []string{"text/calendar"}, Headers: map[string]string{"ETag": "a hash of the body"}}, cal.feed)
}

// me returns the caller's participant ID, or answers why it has none.
func (cal *Calendar) me(c *gin.Context) (auth.Principal, string, bool) {
	p, _ := httpx.PrincipalFrom(c)
	if p.Role != auth.RoleBuyer && p.Role != auth.RoleProducer {
		httpx.RespondError(c, apperr.New(apperr.Forbidden, msgCalendarParticipants))
		return p, "", false
	}
	who, err := cal.Routes.participant(c.Request.Context(), p)
	if err != nil {
		httpx.RespondError(c, err)
		return p, "", false
	}
	return p, who, true
}

func (cal *Calendar) download(c *gin.Context) {
	p, who, ok := cal.me(c)
	if !ok {
		return
	}
	if _, ok := cal.Routes.seenFair(c, p); !ok {
		return
	}
	cal.answer(c, c.Param("fairId"), who, httpx.Lang(c))
}

func (cal *Calendar) createFeed(c *gin.Context) {
	p, who, ok := cal.me(c)
	if !ok {
		return
	}
	fairID := c.Param("fairId")
	if _, ok := cal.Routes.seenFair(c, p); !ok {
		return
	}
	secret := make([]byte, 24)
	_, _ = rand.Read(secret)
	// The feed counts as made when the caller's token was issued: whatever revokes the token
	// ends the feed too, even when this replica heard of the revocation only after making it.
	made := p.IssuedAt.UTC()
	if made.IsZero() {
		made = time.Now().UTC()
	}
	doc := feedDoc{ID: feedKey(p.AccountID, fairID), Token: base64.RawURLEncoding.EncodeToString(secret), FairID: fairID, Account: p.AccountID,
		Participant: who, Lang: string(httpx.Lang(c)), CreatedAt: made}
	if _, err := cal.Feeds.ReplaceOne(c.Request.Context(), bson.M{"_id": doc.ID}, doc, options.Replace().SetUpsert(true)); err != nil {
		httpx.RespondError(c, storage.MapError(err, "calendar feed"))
		return
	}
	c.JSON(http.StatusOK, feedResponse{Path: "/api/calendar/" + doc.ID + "." + doc.Token + ".ics"})
}

func (cal *Calendar) deleteFeed(c *gin.Context) {
	p, _, ok := cal.me(c)
	if !ok {
		return
	}
	if _, err := cal.Feeds.DeleteOne(c.Request.Context(), bson.M{"_id": feedKey(p.AccountID, c.Param("fairId"))}); err != nil {
		httpx.RespondError(c, storage.MapError(err, "calendar feed"))
		return
	}
	c.Status(http.StatusNoContent)
}

// feed answers a private feed: its key names the document, and its token must be the one stored
// (compared in constant time); any other address is a 404 that says nothing of why.
func (cal *Calendar) feed(c *gin.Context) {
	key, token, _ := strings.Cut(strings.TrimSuffix(c.Param("feed"), ".ics"), ".")
	var doc feedDoc
	err := cal.Feeds.FindOne(c.Request.Context(), bson.M{"_id": key}).Decode(&doc)
	if err != nil && !storage.IsNotFound(err) {
		httpx.RespondError(c, storage.MapError(err, "calendar feed"))
		return
	}
	if err != nil || token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(doc.Token)) != 1 {
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFeedNotFound))
		return
	}
	if cal.Revoked.Revoked(doc.Account, doc.CreatedAt) {
		// Made after the revocation's consumer ran, on a replica that had not heard of it yet:
		// it goes now, for good.
		_, _ = cal.Feeds.DeleteOne(c.Request.Context(), bson.M{"_id": doc.ID, "token": doc.Token})
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFeedNotFound))
		return
	}
	if prod, ok := cal.Routes.Index.ProducerByID(doc.Participant); ok && doc.Account != "" && prod.AccountID != "" && prod.AccountID != doc.Account {
		// The producer's profile was handed over to the company owning its tax code: the
		// address the account that registered it first made shows its agenda no more (the
		// hand-over's consumer deletes it; this replica's index may also be a moment behind,
		// so nothing is deleted here).
		httpx.RespondError(c, apperr.New(apperr.NotFound, msgFeedNotFound))
		return
	}
	c.Header("Cache-Control", "private, max-age=300")
	cal.answer(c, doc.FairID, doc.Participant, httpx.LangOf(doc.Lang))
}

// answer writes participant who's agenda at fair fairID as a calendar in lang.
func (cal *Calendar) answer(c *gin.Context, fairID, who string, lang apperr.Lang) {
	rt := cal.Routes
	var agenda agendaResponse
	if rt.Agendas != nil {
		agenda = rt.agendaFromModel(fairID, who, false, agendaLang)
	} else {
		var err error
		if agenda, err = rt.agendaFromDatabase(c.Request.Context(), fairID, who, false, agendaLang); err != nil {
			httpx.RespondError(c, err)
			return
		}
	}
	f, _ := rt.Index.Fair(fairID)
	c.Header("Content-Disposition", `attachment; filename="lich-gap-b2b.ics"`)
	httpx.DataWithETag(c, "text/calendar; charset=utf-8", calendarOf(f.Name, f.B2BDays, agenda, who, lang).encode())
}

// calendarOf makes the calendar of who's meetings in agenda; a meeting lasts its day's slot. Its
// stamp is the latest change to those meetings, not the time of asking: the same agenda is the
// same file, so a calendar app polling the feed with its ETag gets 304 (a stamp of the second
// asked changed the file, and its ETag, every second).
func calendarOf(fairName string, days []events.B2BDayV1, agenda agendaResponse, who string, lang apperr.Lang) icsCalendar {
	cal := icsCalendar{Name: msgICSName.With(fairName).In(lang)}
	for _, m := range agenda.Meetings {
		if m.UpdatedAt.After(cal.Stamp) {
			cal.Stamp = m.UpdatedAt
		}
		start, err := time.Parse(time.RFC3339, m.Starts)
		if err != nil {
			continue
		}
		minutes := 0
		for _, d := range days {
			if d.Date == m.Day {
				minutes = d.SlotMinutes
			}
		}
		other := m.BuyerName
		if who == m.BuyerID {
			other = m.ProducerName
		}
		cal.Events = append(cal.Events, icsEvent{UID: m.ID + "@ocopfair", Sequence: agenda.Version, Start: start,
			End: start.Add(time.Duration(max(minutes, 1)) * time.Minute), Summary: msgICSSummary.With(other).In(lang),
			Location:    msgICSLocation.With(m.Table, fairName).In(lang),
			Description: msgICSDescription.With(m.BuyerName, m.ProducerName, m.Slot, m.Table).In(lang)})
	}
	return cal
}
