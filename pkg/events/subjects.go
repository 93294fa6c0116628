package events

// Subjects published by the gateway.
const (
	AccountRegistered = "gateway.account.registered"
	// AccountTokensRevoked: every token of the account issued before a time stops working at
	// every service (signed out everywhere, password changed, account disabled).
	AccountTokensRevoked = "gateway.account.tokens_revoked"
	// AccountEnabled: an admin let a disabled account sign in again (AccountEnabledV1). Its old
	// tokens stay revoked.
	AccountEnabled = "gateway.account.enabled"
)

// Subjects published by the event service. Every fair subject carries the whole fair (FairV1).
const (
	FairCreated            = "event.fair.created"
	FairUpdated            = "event.fair.updated"
	FairPublished          = "event.fair.published"
	FairApplicationsClosed = "event.fair.applications_closed"
	FairStarted            = "event.fair.started"
	FairCompleted          = "event.fair.completed"
	FairCancelled          = "event.fair.cancelled"
	FairB2BSessionsSet     = "event.fair.b2b_sessions_set"
	BoothAssigned          = "event.booth.assigned"
	BoothReleased          = "event.booth.released"
	// FloorplanChanged says that booths were added to, changed on or removed from a fair's floor
	// plan (FloorplanChangedV1), so that replicas holding the plan in memory reload it.
	FloorplanChanged = "event.floorplan.changed"
)

// FairSubjects are all subjects whose payload is FairChangedV1.
var FairSubjects = []string{FairCreated, FairUpdated, FairPublished, FairApplicationsClosed, FairStarted, FairCompleted, FairCancelled, FairB2BSessionsSet}

// Subjects published by the exhibitor service.
const (
	ProducerRegistered = "exhibitor.producer.registered"
	ProducerUpdated    = "exhibitor.producer.updated"
	ProducerClaimed    = "exhibitor.producer.claimed"

	ProductCreated            = "exhibitor.product.created"
	ProductUpdated            = "exhibitor.product.updated"
	ProductDeleted            = "exhibitor.product.deleted"
	ProductCertificateExpired = "exhibitor.product.certificate_expired"

	ApplicationSubmitted  = "exhibitor.application.submitted"
	ApplicationApproved   = "exhibitor.application.approved"
	ApplicationRejected   = "exhibitor.application.rejected"
	ApplicationWaitlisted = "exhibitor.application.waitlisted"
	ApplicationWithdrawn  = "exhibitor.application.withdrawn"
	ApplicationCancelled  = "exhibitor.application.cancelled"
	// ApplicationUpdated: the application shows its producer's new name or province (the
	// profile changed or was handed over); its status did not change.
	ApplicationUpdated = "exhibitor.application.updated"
)

// ApplicationSubjects are all subjects whose payload is ApplicationChangedV1.
var ApplicationSubjects = []string{ApplicationSubmitted, ApplicationApproved, ApplicationRejected, ApplicationWaitlisted, ApplicationWithdrawn, ApplicationCancelled, ApplicationUpdated}

// ProductSubjects are all subjects whose payload is ProductChangedV1.
var ProductSubjects = []string{ProductCreated, ProductUpdated, ProductDeleted, ProductCertificateExpired}

// Subjects published by the matchmaking service.
const (
	BuyerRegistered = "matchmaking.buyer.registered"
	BuyerUpdated    = "matchmaking.buyer.updated"
	RequestOpened   = "matchmaking.request.opened"
	RequestUpdated  = "matchmaking.request.updated"
	RequestClosed   = "matchmaking.request.closed"

	MeetingRequested       = "matchmaking.meeting.requested"
	MeetingAccepted        = "matchmaking.meeting.accepted"
	MeetingDeclined        = "matchmaking.meeting.declined"
	MeetingCancelled       = "matchmaking.meeting.cancelled"
	MeetingScheduled       = "matchmaking.meeting.scheduled"
	MeetingOutcomeRecorded = "matchmaking.meeting.outcome_recorded"
	MeetingProposed        = "matchmaking.meeting.proposed" // the side asked offers another time; the asker accepts or declines it
)
