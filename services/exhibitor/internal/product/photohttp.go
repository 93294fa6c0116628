package product

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocopfair/ocopfair/pkg/apperr"
	"github.com/ocopfair/ocopfair/pkg/auth"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// PhotoPath is the route of a product's photo; its uploads may be up to MaxPhotoBytes.
const PhotoPath = "/api/products/:id/photo"

// PhotoURL is where a product's photo version is served: the version in the URL makes a new
// upload a new URL, so browsers and proxies may keep each one for a day.
func PhotoURL(productID, version string) string {
	return "/api/products/" + url.PathEscape(productID) + "/photo?v=" + version
}

// photoURL is a product's photo URL in answers: nil when it has none.
func photoURL(p Product) *string {
	if p.Photo == "" {
		return nil
	}
	u := PhotoURL(p.ID, p.Photo)
	return &u
}

// Cache-Control of photo answers: a versioned URL names pictures that never change; any other
// (no version, or an old one) must be checked again, which costs a 304.
const (
	cacheVersioned   = "public, max-age=86400"
	cacheUnversioned = "public, no-cache"
)

// decodingAtOnce is how many uploads are decoded at the same time: a decoded photo holds up to
// MaxPhotoPixels × 4 bytes, so more at once would only raise memory, not throughput, on a small
// machine.
const decodingAtOnce = 2

// PhotoRoutes serves product photos: the upload and removal by whoever may edit the product,
// and the public read that the catalogue, matches and booth panels link to.
type PhotoRoutes struct {
	*Routes
	Photos   *PhotoStore
	decoding chan struct{}
	// accounts lets an account decode one upload at a time, so that one account's large uploads
	// hold at most one of the decodingAtOnce slots and leave the others to everyone else.
	accounts oneEach
}

// Register registers the photo routes. Call it after Routes.Register.
func (h *PhotoRoutes) Register(api httpx.API) {
	h.decoding = make(chan struct{}, decodingAtOnce)
	editors := []string{auth.RoleProducer, auth.RoleOrganiser, auth.RoleAdmin}
	api.Handle(openapi.Op{Method: http.MethodPut, Path: PhotoPath, Tag: "products", Roles: editors,
		Summary: "Set the product's photo (its producer, organisers, admins): the image file itself as the body, as a phone's file input gives it; JPEG, PNG or WebP, told by its bytes; at most 10 MiB and 40 megapixels. " +
			"It is turned upright (EXIF orientation), resized to 1200 px and a 320 px thumbnail, and re-encoded as JPEG without any metadata (no GPS position). Answers the product with its new photo_url.",
		RequestTypes: []string{"image/jpeg", "image/png", "image/webp", "application/octet-stream"}, Response: response{}}, h.put)
	api.Handle(openapi.Op{Method: http.MethodDelete, Path: PhotoPath, Tag: "products", Roles: editors, Status: http.StatusNoContent,
		Summary: "Remove the product's photo (its producer, organisers, admins); a product without one answers the same."}, h.remove)
	api.Handle(openapi.Op{Method: http.MethodGet, Path: PhotoPath, Tag: "products",
		Summary: "The product's photo as JPEG (public). Link it by the product's photo_url: with its version (v) the answer may be kept a day; without, it must be revalidated. Answers 304 to If-None-Match.",
		Query: []openapi.Param{{Name: "size", Enum: []string{SizeThumb, SizeFull}, Description: "thumb (320 px) or full (1200 px, the default)"},
			{Name: "v", Description: "the photo's version, as photo_url carries it"}},
		Files:   []string{"image/jpeg"},
		Headers: map[string]string{"ETag": "the photo's version and size", "Cache-Control": cacheVersioned + " with the current version, else " + cacheUnversioned}}, h.serve)
}

func (h *PhotoRoutes) put(c *gin.Context) {
	ctx := c.Request.Context()
	// Whoever may not edit the product is refused before a byte of the picture is decoded.
	l, err := h.editable(ctx, c, c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	data, err := readPhoto(c)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	p, _ := httpx.PrincipalFrom(c)
	photo, err := h.makePhoto(ctx, p.AccountID, data)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if photo.Version == l.Photo {
		c.JSON(http.StatusOK, h.respond(c, l))
		return
	}
	// The pictures are stored before the product names them, so a product never links to a
	// photo that is not there; an upload that fails after this leaves pictures no product names.
	if err := h.Photos.Put(ctx, l.ID, photo, h.now()); err != nil {
		httpx.RespondError(c, err)
		return
	}
	var old string
	l, ok := h.change(c, events.ProductUpdated, func(p Product) (Product, error) {
		old = p.Photo
		p.Photo = photo.Version
		p.Revision++
		p.UpdatedAt = h.now()
		return p, nil
	})
	if !ok {
		return
	}
	h.removeOld(c, l.ID, old, photo.Version)
	c.Header("ETag", etag(l.Product))
	c.JSON(http.StatusOK, h.respond(c, l))
}

func (h *PhotoRoutes) remove(c *gin.Context) {
	l, err := h.editable(c.Request.Context(), c, c.Param("id"))
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	if l.Photo != "" {
		var old string
		l, ok := h.change(c, events.ProductUpdated, func(p Product) (Product, error) {
			old = p.Photo
			p.Photo = ""
			p.Revision++
			p.UpdatedAt = h.now()
			return p, nil
		})
		if !ok {
			return
		}
		h.removeOld(c, l.ID, old, "")
	}
	c.Status(http.StatusNoContent)
}

// removeOld deletes the pictures of a photo version the product no longer names, on a context
// that outlives the request; a failure leaves pictures no product names, which cost only space.
func (h *PhotoRoutes) removeOld(c *gin.Context, productID, old, current string) {
	if old == "" || old == current {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 10*time.Second)
	defer cancel()
	if err := h.Photos.Remove(ctx, productID, old); err != nil {
		httpx.Logger(c).Warn("old product photo not removed", "product_id", productID, "version", old, "err", err)
	}
}

// makePhoto converts an upload of account, one of the account's at a time, and at most
// decodingAtOnce of all at a time.
func (h *PhotoRoutes) makePhoto(ctx context.Context, account string, data []byte) (Photo, error) {
	done, err := h.accounts.take(ctx, account)
	if err != nil {
		return Photo{}, err
	}
	defer done()
	select {
	case h.decoding <- struct{}{}:
		defer func() { <-h.decoding }()
	case <-ctx.Done():
		return Photo{}, ctx.Err()
	}
	return MakePhoto(data)
}

// readPhoto reads the request body: the image file itself.
func readPhoto(c *gin.Context) ([]byte, error) {
	if c.Request.Body == nil {
		return nil, apperr.InvalidField("photo", msgPhotoType)
	}
	data, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, apperr.New(apperr.TooLarge, msgPhotoTooLarge, MaxPhotoBytes>>20)
		}
		if slow := httpx.BodyError(err); slow != nil { // cut off for arriving too slowly
			return nil, slow
		}
		return nil, apperr.InvalidField("photo", msgPhotoUnreadable)
	}
	return data, nil
}

func (h *PhotoRoutes) serve(c *gin.Context) {
	size := c.DefaultQuery("size", SizeFull)
	if size != SizeFull && size != SizeThumb {
		httpx.RespondError(c, apperr.InvalidField("size", apperr.OneOf, apperr.OrOf(SizeThumb, SizeFull)))
		return
	}
	id := c.Param("id")
	version, err := h.photoVersion(c.Request.Context(), id)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	tag := `"` + version + "-" + size + `"`
	c.Header("ETag", tag)
	if c.Query("v") == version {
		c.Header("Cache-Control", cacheVersioned)
	} else {
		c.Header("Cache-Control", cacheUnversioned)
	}
	if namesTag(c.GetHeader("If-None-Match"), tag) {
		c.Status(http.StatusNotModified)
		return
	}
	pic, err := h.Photos.Get(c.Request.Context(), id, version, size)
	if err != nil {
		httpx.RespondError(c, err)
		return
	}
	c.Data(http.StatusOK, "image/jpeg", pic.JPEG)
}

// photoVersion returns the version of product id's photo: from the catalogue model when there
// is one, so that a read of an unchanged photo (a 304, or a cached picture) touches no database.
// It returns NotFound for a product that is not live or has no photo.
func (h *PhotoRoutes) photoVersion(ctx context.Context, id string) (string, error) {
	var (
		p  Product
		ok bool
	)
	if h.Catalogue != nil {
		p, ok = h.Catalogue.liveProduct(id)
	} else if l, err := h.Store.Get(ctx, id); err == nil {
		p, ok = l.Product, !l.Deleted
	} else if !apperr.Is(err, apperr.NotFound) {
		return "", err
	}
	switch {
	case !ok:
		return "", apperr.New(apperr.NotFound, msgNotFound)
	case p.Photo == "":
		return "", apperr.New(apperr.NotFound, msgNoPhoto)
	}
	return p.Photo, nil
}

// liveProduct returns product id if the model holds it and it is not deleted.
func (m *Catalogue) liveProduct(id string) (Product, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if e, ok := m.byID[id]; ok && !e.l.Deleted {
		return e.l.Product, true
	}
	return Product{}, false
}

// namesTag reports whether an If-None-Match header names tag or is "*" (weak comparison, as
// RFC 9110 asks for If-None-Match).
func namesTag(header, tag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		if t = strings.TrimPrefix(strings.TrimSpace(t), "W/"); t == tag || t == "*" {
			return true
		}
	}
	return false
}

// eventPhotoURL is a product's photo URL in its events: empty when it has none.
func eventPhotoURL(p Product) string {
	if u := photoURL(p); u != nil {
		return *u
	}
	return ""
}
