package events

import (
	"fmt"
	"time"
)

// AccountRegisteredV1 is the payload of gateway.account.registered: a person got an account.
type AccountRegisteredV1 struct {
	AccountID    string    `json:"account_id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	RegisteredAt time.Time `json:"registered_at"`
}

// Why an account's tokens were revoked (AccountTokensRevokedV1.Reason).
const (
	RevokedSignOut  = "signed_out_everywhere"
	RevokedPassword = "password_changed"
	RevokedDisabled = "disabled"
)

// AccountTokensRevokedV1 is the payload of gateway.account.tokens_revoked: every token of the
// account issued before NotBefore (a whole second) is refused from now on.
type AccountTokensRevokedV1 struct {
	AccountID string    `json:"account_id"`
	NotBefore time.Time `json:"not_before"`
	Reason    string    `json:"reason"`
}

// Validate reports what is missing from a revocation: a consumer treats such an event as poison.
func (p AccountTokensRevokedV1) Validate() error {
	if p.AccountID == "" || p.NotBefore.IsZero() {
		return fmt.Errorf("revocation without account_id or not_before")
	}
	return nil
}

// AccountEnabledV1 is the payload of gateway.account.enabled: the account, disabled by the
// revocation at DisabledAt (its tokens_revoked event's not_before), may sign in again from
// EnabledAt.
type AccountEnabledV1 struct {
	AccountID  string    `json:"account_id"`
	DisabledAt time.Time `json:"disabled_at"`
	EnabledAt  time.Time `json:"enabled_at"`
}

// Validate reports what is missing from an enabling: a consumer treats such an event as poison.
func (p AccountEnabledV1) Validate() error {
	if p.AccountID == "" || p.EnabledAt.IsZero() {
		return fmt.Errorf("enabling without account_id or enabled_at")
	}
	return nil
}

// CertificationV1 is a quality certification a producer holds.
type CertificationV1 struct {
	Code       string    `json:"code"`
	Number     string    `json:"number"`
	ValidUntil time.Time `json:"valid_until"`
}

// ProducerV1 is the full public state of an OCOP producer, as other services need it.
type ProducerV1 struct {
	ID             string            `json:"id"`
	AccountID      string            `json:"account_id"`
	Kind           string            `json:"kind"`
	LegalName      string            `json:"legal_name"`
	TaxCode        string            `json:"tax_code"`
	ProvinceCode   string            `json:"province_code"`
	Region         string            `json:"region"`
	Commune        string            `json:"commune"`
	Address        string            `json:"address"`
	Phone          string            `json:"phone"`
	Email          string            `json:"email"`
	DescriptionVI  string            `json:"description_vi"`
	DescriptionEN  string            `json:"description_en,omitempty"`
	Certifications []CertificationV1 `json:"certifications"`
	Trademark      string            `json:"trademark_registration,omitempty"`
	ExportMarkets  []string          `json:"export_markets"`
	Revision       int64             `json:"revision"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

// ProducerRegisteredV1 is the payload of exhibitor.producer.registered.
type ProducerRegisteredV1 struct {
	Producer ProducerV1 `json:"producer"`
}

// ProducerUpdatedV1 is the payload of exhibitor.producer.updated; it carries the whole new state.
type ProducerUpdatedV1 struct {
	Producer ProducerV1 `json:"producer"`
}

// DecodeProducerUpdated reads the payload of an exhibitor.producer.updated envelope and checks that
// it is of a known version and names the envelope's producer at a revision: a consumer treats an
// error as poison.
func DecodeProducerUpdated(env Envelope) (ProducerUpdatedV1, error) {
	var pl ProducerUpdatedV1
	if env.Version != 1 {
		return pl, fmt.Errorf("unknown payload version %d", env.Version)
	}
	if err := env.Decode(&pl); err != nil {
		return pl, err
	}
	if p := pl.Producer; p.ID == "" || p.ID != env.AggregateID || p.Revision < 1 {
		return pl, fmt.Errorf("producer %q does not match the aggregate %q, or has no revision", p.ID, env.AggregateID)
	}
	return pl, nil
}

// ProducerClaimedV1 is the payload of exhibitor.producer.claimed: the account that proved with a
// claim code that it owns a profile imported by an organiser. The same write also publishes
// exhibitor.producer.updated with the whole profile under its new account.
type ProducerClaimedV1 struct {
	ProducerID        string    `json:"producer_id"`
	AccountID         string    `json:"account_id"`
	PreviousAccountID string    `json:"previous_account_id"`
	Revision          int64     `json:"revision"`
	ClaimedAt         time.Time `json:"claimed_at"`
}

// Validate reports what is missing from a claim: a consumer treats such an event as poison.
func (p ProducerClaimedV1) Validate() error {
	if p.ProducerID == "" || p.AccountID == "" || p.PreviousAccountID == "" {
		return fmt.Errorf("claim without producer_id, account_id or previous_account_id")
	}
	return nil
}

// VenueV1 is where a fair takes place.
type VenueV1 struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// EligibilityV1 are a fair's rules for who may exhibit.
type EligibilityV1 struct {
	MinStars             int            `json:"min_stars"`
	AllowedSectors       []string       `json:"allowed_sectors"`
	AllowedProvinces     []string       `json:"allowed_provinces"`
	AllowedRegions       []string       `json:"allowed_regions"`
	MaxBoothsPerProducer int            `json:"max_booths_per_producer"`
	ProvinceQuotas       map[string]int `json:"province_quotas"`
}

// FeesV1 are a fair's booth prices (VND) and OCOP subsidy.
type FeesV1 struct {
	BoothPrices         map[string]int64 `json:"booth_prices"`
	SubsidyPercent      int              `json:"subsidy_percent"`
	MaxSubsidisedBooths int              `json:"max_subsidised_booths"`
}

// B2BDayV1 is one day of B2B meetings.
type B2BDayV1 struct {
	Date         string `json:"date"`
	StartTime    string `json:"start_time"`
	SlotMinutes  int    `json:"slot_minutes"`
	Slots        int    `json:"slots"`
	MorningSlots int    `json:"morning_slots"`
	Tables       int    `json:"tables"`
	// LunchMinutes is the pause between the morning and the afternoon session: the afternoon's
	// slots start that much later. Absent (0) on events from before the pause was a setting.
	LunchMinutes int `json:"lunch_minutes,omitempty"`
}

// FairV1 is the full state of a fair. Dates are YYYY-MM-DD in Vietnam; times are RFC 3339.
type FairV1 struct {
	ID                string        `json:"id"`
	NameVI            string        `json:"name_vi"`
	NameEN            string        `json:"name_en,omitempty"`
	Kind              string        `json:"kind"`
	Theme             string        `json:"theme,omitempty"`
	Region            string        `json:"region"`
	HostProvince      string        `json:"host_province"`
	Venue             VenueV1       `json:"venue"`
	StartDate         string        `json:"start_date"`
	EndDate           string        `json:"end_date"`
	ApplicationsOpen  time.Time     `json:"applications_open"`
	ApplicationsClose time.Time     `json:"applications_close"`
	Eligibility       EligibilityV1 `json:"eligibility"`
	Fees              FeesV1        `json:"fees"`
	Organisers        []string      `json:"organisers"`
	Status            string        `json:"status"`
	CancelReason      string        `json:"cancel_reason,omitempty"`
	// Discarded marks a draft cancelled before it was ever published: it stays private to its
	// organisers and admins, as a draft does.
	Discarded bool       `json:"discarded,omitempty"`
	B2BDays   []B2BDayV1 `json:"b2b_days"`
	Revision  int64      `json:"revision"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// FairPrivate reports whether a fair of status, discarded or not, is known only to its organisers
// and admins: a draft, or a draft cancelled before it was published. Every service that keeps
// fairs hides them by this.
func FairPrivate(status string, discarded bool) bool { return status == "draft" || discarded }

// FairChangedV1 is the payload of every event.fair.* subject.
type FairChangedV1 struct {
	Fair FairV1 `json:"fair"`
}

// BoothAssignmentV1 is the payload of event.booth.assigned and event.booth.released.
// AssignmentID is a UUIDv7 made when the booth is assigned and repeated when it is released: a
// later assignment has a greater ID, so consumers apply a state only when its assignment ID is not
// older than the one they hold for the booth or application (events arrive late and twice).
type BoothAssignmentV1 struct {
	AssignmentID  string `json:"assignment_id"`
	FairID        string `json:"fair_id"`
	BoothCode     string `json:"booth_code"`
	Zone          string `json:"zone"`
	ApplicationID string `json:"application_id"`
	ProducerID    string `json:"producer_id"`
	// ReasonCode says why a released booth was released, as a code a reader's language says
	// (booth_release.fair_cancelled, booth_release.application_withdrawn, …); absent on events
	// from before reasons had codes, and on event.booth.assigned.
	ReasonCode string `json:"reason_code,omitempty"`
	// Reason holds the words a person gave with ReasonCode (the organisers' reason for
	// cancelling the fair), kept as written. Events from before reason codes hold an English
	// sentence here instead.
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// FloorplanChangedV1 is the payload of event.floorplan.changed. Revision counts the changes of
// the fair's floor plan: a replica reloads the plan only for a revision newer than the one it
// loaded (events arrive late and twice).
type FloorplanChangedV1 struct {
	FairID   string    `json:"fair_id"`
	Revision int64     `json:"revision"`
	At       time.Time `json:"at"`
}

// ApplicationProductV1 is a product shown under an application.
type ApplicationProductV1 struct {
	ProductID     string `json:"product_id"`
	Name          string `json:"name"`
	CriteriaSet   int    `json:"criteria_set"`
	Sector        string `json:"sector"`
	Stars         int    `json:"stars"`
	PotentialFive bool   `json:"potential_five_star"`
}

// ApplicationV1 is the full state of a booth application.
type ApplicationV1 struct {
	ID            string                 `json:"id"`
	FairID        string                 `json:"fair_id"`
	ProducerID    string                 `json:"producer_id"`
	ProducerName  string                 `json:"producer_name"`
	ProvinceCode  string                 `json:"province_code"`
	Products      []ApplicationProductV1 `json:"products"`
	BoothKind     string                 `json:"booth_kind"`
	BoothCount    int                    `json:"booth_count"`
	PreferredZone string                 `json:"preferred_zone,omitempty"`
	Status        string                 `json:"status"`
	Reason        string                 `json:"reason,omitempty"`
	// ReasonCode says why the application changed when no person wrote it: "fair_cancelled"
	// (Reason is then the organisers' reason for cancelling the fair). Reasons travel as codes
	// with their values and are said in a reader's language only where they are shown.
	ReasonCode  string    `json:"reason_code,omitempty"`
	SubmittedAt time.Time `json:"submitted_at"`
	Revision    int64     `json:"revision"`
}

// ApplicationChangedV1 is the payload of every exhibitor.application.* subject.
type ApplicationChangedV1 struct {
	Application ApplicationV1 `json:"application"`
}

// MeetingOutcomeV1 is the payload of matchmaking.meeting.outcome_recorded.
type MeetingOutcomeV1 struct {
	MeetingID  string    `json:"meeting_id"`
	FairID     string    `json:"fair_id"`
	BuyerID    string    `json:"buyer_id"`
	ProducerID string    `json:"producer_id"`
	Outcome    string    `json:"outcome"`
	ValueVND   int64     `json:"value_vnd"`
	RecordedAt time.Time `json:"recorded_at"`
	// RecordedBy is the side that recorded it: buyer or producer (absent on older events).
	RecordedBy string `json:"recorded_by,omitempty"`
	// Revision is the meeting's revision with this outcome: readers keep the outcome of the
	// highest (a writer's clock may be behind another replica's). Absent on events from before it.
	Revision int64 `json:"revision,omitempty"`
}

// CertificateV1 is a product's OCOP certificate.
type CertificateV1 struct {
	DecisionNo string `json:"decision_no"`
	IssuedBy   string `json:"issued_by"`
	IssuedOn   string `json:"issued_on"`
	ExpiresOn  string `json:"expires_on" doc:"first day it is no longer valid, YYYY-MM-DD"`
}

// ProductV1 is the full state of an OCOP product as the matchmaking service needs it, with the
// producer's place denormalised.
type ProductV1 struct {
	ID              string        `json:"id"`
	ProducerID      string        `json:"producer_id"`
	ProducerName    string        `json:"producer_name"`
	ProvinceCode    string        `json:"province_code"`
	Region          string        `json:"region"`
	NameVI          string        `json:"name_vi"`
	NameEN          string        `json:"name_en,omitempty"`
	CriteriaSet     int           `json:"criteria_set"`
	Sector          string        `json:"sector"`
	Stars           int           `json:"stars"`
	PotentialFive   bool          `json:"potential_five_star"`
	Certificate     CertificateV1 `json:"certificate"`
	GTIN            string        `json:"gtin,omitempty"`
	Unit            string        `json:"unit"`
	PriceMinVND     int64         `json:"price_min_vnd"`
	PriceMaxVND     int64         `json:"price_max_vnd"`
	MonthlyCapacity float64       `json:"monthly_capacity" doc:"in Unit per month"`
	ShelfLifeDays   int           `json:"shelf_life_days"`
	SeasonMonths    []int         `json:"season_months"`
	DescriptionVI   string        `json:"description_vi"`
	PhotoURL        string        `json:"photo_url,omitempty" doc:"where the photo is served (a gateway path with its version); absent without one"`
	Deleted         bool          `json:"deleted"`
	Revision        int64         `json:"revision"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// ProductChangedV1 is the payload of every exhibitor.product.* subject.
type ProductChangedV1 struct {
	Product ProductV1 `json:"product"`
}

// BuyerV1 is a buyer organisation.
type BuyerV1 struct {
	ID        string   `json:"id"`
	AccountID string   `json:"account_id"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Province  string   `json:"province_code"`
	Markets   []string `json:"markets"`
	Revision  int64    `json:"revision"`
}

// BuyerChangedV1 is the payload of matchmaking.buyer.*.
type BuyerChangedV1 struct {
	Buyer BuyerV1 `json:"buyer"`
}

// SourcingRequestV1 is a buyer's sourcing need.
type SourcingRequestV1 struct {
	ID            string   `json:"id"`
	BuyerID       string   `json:"buyer_id"`
	Title         string   `json:"title"`
	CriteriaSets  []int    `json:"criteria_sets"`
	Sectors       []string `json:"sectors"`
	Keywords      []string `json:"keywords"`
	MinStars      int      `json:"min_stars"`
	Volume        float64  `json:"monthly_volume"`
	Unit          string   `json:"unit"`
	RequiredCerts []string `json:"required_certifications"`
	Market        string   `json:"target_market"`
	Regions       []string `json:"regions"`
	Provinces     []string `json:"provinces"`
	MaxPriceVND   int64    `json:"max_price_vnd"`
	NeededBy      string   `json:"needed_by,omitempty"`
	FairID        string   `json:"fair_id,omitempty"`
	Status        string   `json:"status"`
	Revision      int64    `json:"revision"`
}

// SourcingRequestChangedV1 is the payload of matchmaking.request.*.
type SourcingRequestChangedV1 struct {
	Request SourcingRequestV1 `json:"request"`
}

// MeetingV1 is a B2B meeting between a buyer and a producer at a fair. A consumer orders one
// meeting's events by Revision, then by ScheduleVersion: a scheduling run places meetings without
// changing their revision, so matchmaking.meeting.scheduled carries the revision of the meeting's
// previous event and a greater schedule version.
type MeetingV1 struct {
	ID          string `json:"id"`
	FairID      string `json:"fair_id"`
	BuyerID     string `json:"buyer_id"`
	ProducerID  string `json:"producer_id"`
	RequestedBy string `json:"requested_by"`
	Session     string `json:"session"`
	Status      string `json:"status"`
	Reason      string `json:"reason,omitempty"`
	// ReasonCode says why a cancelled meeting was cancelled: cancelled_by_buyer,
	// cancelled_by_producer, cancelled_by_organiser, fair_cancelled, booth_released or
	// application_ended; Reason holds the canceller's words or the fair's cancel reason.
	ReasonCode string `json:"reason_code,omitempty"`
	Day        string `json:"day,omitempty"`
	Slot       int    `json:"slot,omitempty"`
	Table      int    `json:"table,omitempty"`
	Revision   int64  `json:"revision"`
	// ScheduleVersion is the version of the fair's schedule that placed the meeting (0: none).
	ScheduleVersion int64     `json:"schedule_version,omitempty"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// MeetingChangedV1 is the payload of matchmaking.meeting.* except outcome_recorded.
type MeetingChangedV1 struct {
	Meeting MeetingV1 `json:"meeting"`
}
