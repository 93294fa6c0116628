// Package application is a producer's application for booths at a fair: the products to show,
// booth kind and count, the automatic eligibility check against the fair's rules (each rule with
// a code and the values its reason is said from, in the reader's language), and the organiser's
// review.
package application

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Status of an application.
type Status string

// The statuses. Submitted, approved and waitlisted are active: a producer has at most one active
// application per fair.
const (
	Submitted  Status = "submitted"
	Approved   Status = "approved"
	Rejected   Status = "rejected"
	Waitlisted Status = "waitlisted"
	Withdrawn  Status = "withdrawn"
	Cancelled  Status = "cancelled"
)

// Active reports whether the status holds the producer's place at the fair.
func (s Status) Active() bool { return s == Submitted || s == Approved || s == Waitlisted }

// Action is a review or producer move.
type Action string

// The actions.
const (
	Approve  Action = "approve"
	Reject   Action = "reject"
	Waitlist Action = "waitlist"
	Withdraw Action = "withdraw"
	Cancel   Action = "cancel"
)

var moves = map[Action]struct {
	from []Status
	to   Status
}{
	Approve:  {[]Status{Submitted, Waitlisted}, Approved},
	Reject:   {[]Status{Submitted, Waitlisted, Approved}, Rejected},
	Waitlist: {[]Status{Submitted, Approved}, Waitlisted},
	Withdraw: {[]Status{Submitted, Approved, Waitlisted}, Withdrawn},
	Cancel:   {[]Status{Submitted, Approved, Waitlisted}, Cancelled},
}

// Fair is what the exhibitor service knows of a fair, from the event service's events.
type Fair struct {
	ID                   string
	NameVI               string
	Status               string
	StartDate            time.Time
	EndDate              time.Time
	ApplicationsOpen     time.Time
	ApplicationsClose    time.Time
	MinStars             int
	AllowedSectors       []string
	AllowedProvinces     []string
	AllowedRegions       []string
	MaxBoothsPerProducer int
	Organisers           []string
	// Discarded marks a draft cancelled before it was published: as private as a draft.
	Discarded bool
	Revision  int64
}

// Private reports whether only the fair's organisers and admins may know of it: a draft, or a
// discarded one.
func (f Fair) Private() bool { return events.FairPrivate(f.Status, f.Discarded) }

// LastDay returns the fair's last day (midnight in Vietnam).
func (f Fair) LastDay() time.Time { return f.EndDate }

// Accepts reports whether the fair takes applications at t.
func (f Fair) Accepts(t time.Time) bool {
	return f.Status == "published" && !t.Before(f.ApplicationsOpen) && t.Before(f.ApplicationsClose)
}

// Over reports whether the fair is over: completed or cancelled. Its applications are then a
// record of the fair (its report, its exhibitors), which no review or withdrawal changes.
func (f Fair) Over() bool { return f.Status == "completed" || f.Status == "cancelled" }

// Moves returns a Conflict (application_fair_over), naming act, when the fair is over: no
// review or withdrawal moves its applications then. The fair's cancellation still cancels the
// active ones (Consumers.OnFair moves them through Store.Move, which does not ask this).
func (f Fair) Moves(act Action) error {
	if !f.Over() {
		return nil
	}
	return apperr.New(apperr.Conflict, msgFairOver, named(actionNames, act), named(fairStatusNames, f.Status))
}

// Open returns a Conflict, naming the fair's status and window, unless the fair takes
// applications at t.
func (f Fair) Open(t time.Time) error {
	if f.Accepts(t) {
		return nil
	}
	return apperr.New(apperr.Conflict, msgNotOpen,
		named(fairStatusNames, f.Status), vntext.FormatDate(f.ApplicationsOpen), vntext.FormatDate(f.ApplicationsClose))
}

// Applicant is the producer behind an account.
type Applicant struct {
	ProducerID string
	Name       string
	Province   string
	AccountID  string // the account that signs in as the producer
	Revision   int64  // the producer profile's revision: which of two states is newer
}

// Product is a product listed in an application, as it was when the application changed.
type Product struct {
	ProductID     string
	Name          string
	CriteriaSet   int
	Sector        string
	Stars         int
	PotentialFive bool
	ExpiresOn     time.Time
}

// Application is a booth application.
type Application struct {
	ID           string
	FairID       string
	ProducerID   string
	AccountID    string
	ProducerName string
	Province     string
	// ProducerRevision is the revision of the producer's profile that ProducerName and Province
	// are from: a profile changed later writes its own onto the application (FollowProducer).
	ProducerRevision int64
	Products         []Product
	BoothKind        string
	BoothCount       int
	PreferredZone    string
	Notes            string
	Status           Status
	Reason           string
	ReasonCode       string // ReasonFairCancelled, or empty for a reviewer's note
	Rules            []Rule
	Booths           []string
	BoothZones       map[string]string // the zone of each booth held, by code, where known
	SubmittedAt      time.Time
	UpdatedAt        time.Time
	Revision         int64
}

// Eligible reports whether every rule passed.
func (a Application) Eligible() bool {
	for _, r := range a.Rules {
		if !r.Pass {
			return false
		}
	}
	return true
}

var boothKinds = []string{"standard", "corner", "double", "premium"}

// Request is what a producer asks for.
type Request struct {
	ProductIDs    []string
	BoothKind     string
	BoothCount    int
	PreferredZone string
	Notes         string
}

// Validate checks the request's own fields.
func (r *Request) Validate() error {
	var v apperr.Validation
	v.Expect(len(r.ProductIDs) >= 1 && len(r.ProductIDs) <= 30, "product_ids", msgProductsCount)
	seen := map[string]bool{}
	for i, id := range r.ProductIDs {
		v.Expect(!seen[id], fmt.Sprintf("product_ids[%d]", i), msgProductTwice)
		seen[id] = true
	}
	if r.BoothKind == "" {
		r.BoothKind = "standard"
	}
	v.Expect(slices.Contains(boothKinds, r.BoothKind), "booth_kind", apperr.OneOf, apperr.OrOf(boothKinds...))
	if r.BoothCount == 0 {
		r.BoothCount = 1
	}
	v.Expect(r.BoothCount >= 1 && r.BoothCount <= 10, "booth_count", apperr.Between, 1, 10)
	r.PreferredZone = vntext.Clean(r.PreferredZone)
	v.Expect(len([]rune(r.PreferredZone)) <= 60, "preferred_zone", apperr.TooLong, 60)
	r.Notes = vntext.Clean(r.Notes)
	v.Expect(len([]rune(r.Notes)) <= 2000, "notes", apperr.TooLong, 2000)
	return v.Err()
}

// Submit makes the application of applicant (signed in as accountID) to fair f with products, as
// req asks, submitted at now, with its eligibility evaluated rule by rule. A rule that blocks
// (an expired certificate) refuses it: an Invalid error with a field error per offending product,
// carrying the rule's code; the rules that only warn are kept on the application.
func Submit(id, accountID string, f Fair, applicant Applicant, products []Product, req Request, now time.Time) (Application, error) {
	rules := Evaluate(f, applicant.Province, products, req.BoothCount, now)
	if err := Blocking(rules, products); err != nil {
		return Application{}, err
	}
	return Application{ID: id, FairID: f.ID, ProducerID: applicant.ProducerID, AccountID: accountID,
		ProducerName: applicant.Name, Province: applicant.Province, ProducerRevision: applicant.Revision, Products: products, BoothKind: req.BoothKind, BoothCount: req.BoothCount,
		PreferredZone: req.PreferredZone, Notes: req.Notes, Status: Submitted, Rules: rules,
		SubmittedAt: now, UpdatedAt: now, Revision: 1}, nil
}

// ReasonFairCancelled is the reason code of an application cancelled because its fair was
// cancelled; Reason then holds the organisers' reason for cancelling the fair.
const ReasonFairCancelled = "fair_cancelled"

var msgFairCancelled = apperr.M(ReasonFairCancelled,
	"Hội chợ đã bị hủy: %s",
	"The fair was cancelled: %s")

// reasonOf is an application's reason to say in the reader's language: a reviewer's note as it
// was written, or the cancellation of the fair with the organisers' reason.
func reasonOf(a Application) apperr.Localized {
	if a.ReasonCode == ReasonFairCancelled {
		return msgFairCancelled.With(a.Reason)
	}
	return asWritten(a.Reason)
}

// asWritten is text a person wrote, said as it was written in any language.
type asWritten string

// In returns the text as written.
func (s asWritten) In(apperr.Lang) string { return string(s) }

// Move applies an action; reject needs a reason. An illegal move is a Conflict.
func (a Application) Move(act Action, reason string, now time.Time) (Application, error) {
	m, ok := moves[act]
	if !ok || !slices.Contains(m.from, a.Status) {
		return Application{}, apperr.New(apperr.Conflict, msgMoveRefused, named(actionNames, act), named(statusNames, a.Status))
	}
	reason = vntext.Clean(reason)
	if act == Reject && reason == "" {
		e := apperr.New(apperr.Invalid, msgReasonRequired)
		e.Fields = []apperr.FieldError{apperr.Field("reason", msgReasonField)}
		return Application{}, e
	}
	// A longer reason is refused, not cut: the producer would read the first 1,000 letters of
	// it as if that were all.
	var v apperr.Validation
	if !v.Short("reason", reason, 1000) {
		return Application{}, v.Err()
	}
	next := a
	next.Products = slices.Clone(a.Products)
	next.Rules = slices.Clone(a.Rules)
	next.Booths = slices.Clone(a.Booths)
	next.BoothZones = maps.Clone(a.BoothZones)
	next.Status, next.Reason, next.ReasonCode = m.to, reason, ""
	if act == Cancel {
		// Only the fair's cancellation cancels applications (see Consumers.OnFair).
		next.ReasonCode = ReasonFairCancelled
	}
	next.Revision++
	next.UpdatedAt = now
	return next, nil
}

// stamp is t as applications record it: in Vietnam's time, to the millisecond the database keeps.
func stamp(t time.Time) time.Time { return t.In(vntext.Zone).Truncate(time.Millisecond) }
