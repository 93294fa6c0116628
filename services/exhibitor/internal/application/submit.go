package application

import (
	"context"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/correlation"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

// submit stores the application of req. Its products are read as the applicant's own and the
// application is checked, then the products are held and read again: a removal that ended
// meanwhile is seen then, and one under way sees the hold or is seen by it (see Catalog.Hold).
func (h *Routes) submit(ctx context.Context, id, account string, f Fair, applicant Applicant, req Request, now time.Time) (Application, error) {
	products, err := h.Catalog.ProductsOf(ctx, applicant.ProducerID, req.ProductIDs)
	if err != nil {
		return Application{}, err
	}
	// What refuses the application anyway refuses it before anything is held.
	if _, err := Submit(id, account, f, applicant, products, req, now); err != nil {
		return Application{}, err
	}
	hold, err := h.Catalog.Hold(ctx, id, req.ProductIDs)
	if err != nil {
		return Application{}, err
	}
	// From here the write runs to its end even if the client goes: a write cancelled halfway may
	// still be stored after its hold is gone. A hold whose write ended without a sure answer
	// stays until its window is over.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	a, wrote, err := h.heldSubmit(wctx, hold, id, account, f, applicant, req, now)
	if !wrote || err == nil || definite(err) {
		hold.Release()
	}
	if err == nil {
		a = h.followLateChange(wctx, a)
	}
	return a, err
}

// followLateChange reads the producer's profile again once its application a is stored. A change
// of the profile stored after the applicant was read, whose consumer looked for the producer's
// applications before this one was stored, is written onto it here (FollowProducer), and the
// application is answered as stored then. A failure leaves the name of when it was sent, until
// the profile's next change.
func (h *Routes) followLateChange(ctx context.Context, a Application) Application {
	p, err := h.Catalog.Producer(ctx, a.ProducerID)
	if err != nil || p.Revision <= a.ProducerRevision {
		return a
	}
	n, err := h.Store.FollowProducer(ctx, p, correlation.From(ctx))
	if n > 0 && h.Notify != nil {
		h.Notify()
	}
	if err != nil {
		return a
	}
	if now, err := h.Store.Get(ctx, a.ID); err == nil {
		return now
	}
	return a
}

// writeTimeout bounds a held application's write, well within its hold's deadline.
const writeTimeout = 20 * time.Second

// heldSubmit reads the held products again and stores the application; wrote says whether it
// tried the write.
func (h *Routes) heldSubmit(ctx context.Context, hold Hold, id, account string, f Fair, applicant Applicant, req Request, now time.Time) (Application, bool, error) {
	products, err := h.Catalog.ProductsOf(ctx, applicant.ProducerID, req.ProductIDs)
	if err != nil {
		return Application{}, false, err
	}
	a, err := Submit(id, account, f, applicant, products, req, now)
	if err == nil {
		err = hold.Valid()
	}
	if err != nil {
		return a, false, err
	}
	return a, true, h.Store.Create(ctx, a, correlation.From(ctx))
}

// definite reports whether err is a refusal, after which nothing was stored; otherwise (a
// timeout, a lost connection) the write may still have been stored.
func definite(err error) bool {
	switch apperr.KindOf(err) {
	case apperr.Malformed, apperr.Invalid, apperr.Unauthorized, apperr.Forbidden, apperr.NotFound, apperr.Conflict, apperr.TooLarge, apperr.TooManyRequests:
		return true
	}
	return false
}

// sentBefore returns the application a re-run of an idempotent submission meets: its first run
// stored the application under id (the Idempotency-Key's ID) but its response was lost. It is
// answered as that first run did, rather than with the 409 of an application already sent (kept
// for a day), even once the fair stopped taking applications.
func (h *Routes) sentBefore(c *gin.Context, id, producerID string) (Application, bool) {
	return httpx.StoredUnder(c, id, h.Store.Get, func(a Application) bool { return a.ProducerID == producerID })
}
