package events

// Subjects published by the gateway.
const (
	AccountRegistered = "gateway.account.registered"
)

// Subjects published by the exhibitor service.
const (
	ProducerRegistered = "exhibitor.producer.registered"
	ProducerUpdated    = "exhibitor.producer.updated"
)
