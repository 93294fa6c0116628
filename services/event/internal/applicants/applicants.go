// Package applicants is the event service's read model of the producers applying for booths:
// their applications, built from the exhibitor service's events, and the outcomes of their B2B
// meetings reported by the matchmaking service (with its cancellations, so that a cancelled
// meeting never counts as held). Allocation, the floor plan and reports read it; no synchronous
// call to another service is made.
package applicants

import (
	"slices"
	"time"

	"github.com/ocopfair/ocopfair/pkg/ocop"
)

// Statuses an application can have (the exhibitor service owns them).
const (
	Submitted  = "submitted"
	Approved   = "approved"
	Rejected   = "rejected"
	Waitlisted = "waitlisted"
	Withdrawn  = "withdrawn"
	Cancelled  = "cancelled"
)

// Product is a product shown under an application.
type Product struct {
	ProductID     string `bson:"product_id"`
	Name          string `bson:"name"`
	CriteriaSet   int    `bson:"criteria_set"`
	Sector        string `bson:"sector"`
	Stars         int    `bson:"stars"`
	PotentialFive bool   `bson:"potential_five"`
}

// Application is a booth application as the event service knows it.
type Application struct {
	ID            string    `bson:"_id"`
	FairID        string    `bson:"fair_id"`
	ProducerID    string    `bson:"producer_id"`
	ProducerName  string    `bson:"producer_name"`
	Province      string    `bson:"province_code"`
	Products      []Product `bson:"products"`
	BoothKind     string    `bson:"booth_kind"`
	BoothCount    int       `bson:"booth_count"`
	PreferredZone string    `bson:"preferred_zone"`
	Status        string    `bson:"status"`
	SubmittedAt   time.Time `bson:"submitted_at"`
	Revision      int64     `bson:"revision"`
}

// Best returns the rating of the application's best product.
func (a Application) Best() ocop.Rating {
	var best ocop.Rating
	for _, p := range a.Products {
		r := ocop.Rating{Stars: p.Stars, PotentialFive: p.PotentialFive}
		if r.Priority() > best.Priority() {
			best = r
		}
	}
	return best
}

// CriteriaSets returns the distinct criteria sets of its products.
func (a Application) CriteriaSets() []int {
	var out []int
	for _, p := range a.Products {
		if !slices.Contains(out, p.CriteriaSet) {
			out = append(out, p.CriteriaSet)
		}
	}
	slices.Sort(out)
	return out
}

// Sectors returns the distinct sectors of its products.
func (a Application) Sectors() []string {
	var out []string
	for _, p := range a.Products {
		if !slices.Contains(out, p.Sector) {
			out = append(out, p.Sector)
		}
	}
	slices.Sort(out)
	return out
}

// Ended reports whether the application has stopped being approved for good (withdrawn,
// cancelled or rejected).
func (a Application) Ended() bool {
	switch a.Status {
	case Withdrawn, Cancelled, Rejected:
		return true
	}
	return false
}

// LosesBooths reports whether the application may hold no booth now: it ended, or an approved
// application went back to the waitlist. Its booths must be released.
func (a Application) LosesBooths() bool { return a.Ended() || a.Status == Waitlisted }

// Outcome is the latest recorded outcome of one B2B meeting that was not cancelled. A cancelled
// meeting leaves a document with cancelled set, which no outcome overwrites and no report reads.
type Outcome struct {
	MeetingID  string    `bson:"_id"`
	FairID     string    `bson:"fair_id"`
	Outcome    string    `bson:"outcome"`
	ValueVND   int64     `bson:"value_vnd"`
	RecordedAt time.Time `bson:"recorded_at"`
	// Revision is the meeting's revision with this outcome (0 on events from before it).
	Revision int64 `bson:"revision,omitempty"`
}
