package events

import "time"

// ScansCounted is published by the exhibitor service with each batch of verification views it
// counted (ScansCountedV1): visitors opening a product's public verification page, mostly by
// scanning its QR code at a booth.
const ScansCounted = "exhibitor.scan.counted"

// ScanCountV1 is how many times one product was viewed on one day (YYYY-MM-DD in Vietnam),
// and at which fair when one was running where its producer exhibits ("" otherwise). It holds
// nothing of the visitors.
type ScanCountV1 struct {
	ProductID  string `json:"product_id"`
	ProducerID string `json:"producer_id"`
	FairID     string `json:"fair_id,omitempty"`
	Day        string `json:"day"`
	Count      int    `json:"count"`
}

// ScansCountedV1 is the payload of exhibitor.scan.counted: one replica's counts since its
// previous batch. BatchID is the aggregate ID; a batch is counted once, however often it is
// delivered.
type ScansCountedV1 struct {
	BatchID string        `json:"batch_id"`
	Counts  []ScanCountV1 `json:"counts"`
	At      time.Time     `json:"at"`
}
