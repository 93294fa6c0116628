// Package catalog is the matchmaking service's read model of producers (and, later, their
// products and booths), built from the exhibitor service's events. When its store is empty at
// start-up it is rebuilt by replaying the stream from the beginning.
package catalog

import (
	"time"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// Collection holds the projected producers.
const Collection = "catalog_producers"

// Certification is a producer's quality certification.
type Certification struct {
	Code       string    `bson:"code"`
	ValidUntil time.Time `bson:"valid_until"`
}

// Producer is a producer as matchmaking sees it.
type Producer struct {
	ID             string          `bson:"_id"`
	AccountID      string          `bson:"account_id"`
	Kind           string          `bson:"kind"`
	LegalName      string          `bson:"legal_name"`
	NameFold       string          `bson:"name_fold"`
	ProvinceCode   string          `bson:"province_code"`
	Region         string          `bson:"region"`
	Phone          string          `bson:"phone"`
	Email          string          `bson:"email"`
	Certifications []Certification `bson:"certifications"`
	Trademark      string          `bson:"trademark"`
	ExportMarkets  []string        `bson:"export_markets"`
	Revision       int64           `bson:"revision"`
	UpdatedAt      time.Time       `bson:"updated_at"`
	// EventsApplied counts the events that changed this record: a redelivered event must not.
	EventsApplied int64     `bson:"events_applied"`
	ProjectedAt   time.Time `bson:"projected_at"`
}

func fromEvent(p events.ProducerV1) Producer {
	certs := make([]Certification, len(p.Certifications))
	for i, c := range p.Certifications {
		certs[i] = Certification{Code: c.Code, ValidUntil: c.ValidUntil}
	}
	return Producer{
		ID: p.ID, AccountID: p.AccountID, Kind: p.Kind, LegalName: p.LegalName, NameFold: vntext.Fold(p.LegalName),
		ProvinceCode: p.ProvinceCode, Region: p.Region, Phone: p.Phone, Email: p.Email, Certifications: certs,
		Trademark: p.Trademark, ExportMarkets: p.ExportMarkets, Revision: p.Revision, UpdatedAt: p.UpdatedAt,
	}
}
