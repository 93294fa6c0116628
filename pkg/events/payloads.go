package events

import "time"

// AccountRegisteredV1 is the payload of gateway.account.registered: a person got an account.
type AccountRegisteredV1 struct {
	AccountID    string    `json:"account_id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	RegisteredAt time.Time `json:"registered_at"`
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
