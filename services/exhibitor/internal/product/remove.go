package product

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
)

func (h *Routes) delete(c *gin.Context) {
	ctx := c.Request.Context()
	valid := func() error { return nil }
	wrote := false // whether the removal's write was tried
	if h.Holds != nil {
		// The product is the caller's to remove before it is marked, so that no one can hold up
		// another producer's applications by marking their products.
		if _, err := h.editable(ctx, c, c.Param("id")); err != nil {
			httpx.RespondError(c, err)
			return
		}
		in, err := h.Holds.Removing(ctx, c.Param("id"))
		if err != nil {
			httpx.RespondError(c, err)
			return
		}
		// From here the removal runs to its end even if the client goes: a write cancelled
		// halfway may still be stored after its mark is gone. A mark whose write ended without
		// a sure answer (tried, then 5xx) stays until its window is over.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
		defer cancel()
		ctx = wctx
		c.Request = c.Request.WithContext(wctx)
		defer func() {
			if !wrote || c.Writer.Status() < http.StatusInternalServerError {
				in.Release()
			}
		}()
		valid = in.Valid
	}
	_, ok := h.change(c, events.ProductDeleted, func(p Product) (Product, error) {
		if err := valid(); err != nil {
			return p, err
		}
		next, err := h.removed(ctx, p)
		wrote = wrote || err == nil // the write follows
		return next, err
	})
	if ok {
		c.Status(http.StatusNoContent)
	}
}

// writeTimeout bounds a marked removal's write, well within its mark's deadline.
const writeTimeout = 20 * time.Second

// removed is p removed, unless an application to a fair not yet over lists it.
func (h *Routes) removed(ctx context.Context, p Product) (Product, error) {
	if h.Holding != nil {
		fairs, err := h.Holding(ctx, p.ProducerID, p.ID)
		if err != nil {
			return p, err
		}
		if len(fairs) > 0 {
			return p, apperr.New(apperr.Conflict, msgInApplication, strings.Join(fairs, "; "))
		}
	}
	p.Deleted = true
	p.Revision++
	p.UpdatedAt = h.now()
	return p, nil
}
