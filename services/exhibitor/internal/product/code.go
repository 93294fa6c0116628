package product

import (
	"context"
	"crypto/rand"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/storage"
)

// CodeAlphabet is what a product's public code is written with: digits and lower-case letters
// without the look-alikes 0/o, 1/l/i, so that a code read off a printed poster is typed right.
const CodeAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// CodeLength is the length of a public code: 31^11 ≈ 2.5·10^16 codes, so that nobody finds a
// product by trying codes (the product ID is a UUIDv7, partly a timestamp, and shown in the
// catalogue: it must never be what a public URL carries).
const CodeLength = 11

// NewCode returns a fresh public code from crypto/rand. Bytes from 248 up are drawn again, so
// that every letter of the alphabet is equally likely (248 = 8 × 31).
func NewCode() string {
	out := make([]byte, 0, CodeLength)
	buf := make([]byte, 2*CodeLength)
	for len(out) < CodeLength {
		_, _ = rand.Read(buf) // never fails (crypto/rand panics on a broken source)
		for _, b := range buf {
			if b < 248 && len(out) < CodeLength {
				out = append(out, CodeAlphabet[b%31])
			}
		}
	}
	return string(out)
}

// ValidCode reports whether s is written like a public code, so that a path that cannot be one
// is refused before any lookup.
func ValidCode(s string) bool {
	if len(s) != CodeLength {
		return false
	}
	for i := range len(s) {
		if !validCodeByte[s[i]] {
			return false
		}
	}
	return true
}

var validCodeByte = func() (t [256]bool) {
	for i := range len(CodeAlphabet) {
		t[CodeAlphabet[i]] = true
	}
	return t
}()

// codeIndex makes a code name one product. It is sparse: products stored before codes existed
// have none until BackfillCodes gives them one.
func codeIndex() storage.Index {
	return storage.Index{Collection: Collection, Keys: bson.D{{Key: "code", Value: 1}}, Unique: true, Sparse: true, Name: "code_unique"}
}

// BackfillCodes gives every live product the catalogue holds without a public code one, each
// with its exhibitor.product.updated event, and returns how many it gave. Each write is guarded
// by the product's revision, so replicas that back-fill at once never give one product two
// codes: the loser's write is stale, and the next round takes the product as stored. Safe to
// run at every start: products that have a code are left alone.
func BackfillCodes(ctx context.Context, st *Store, m *Catalogue, notify func()) (int, error) {
	done := 0
	for range 1000 { // a bound for the loop: 200,000 products without a code
		batch := m.WithoutCode(200)
		if len(batch) == 0 {
			return done, nil
		}
		for _, l := range batch {
			next := l.Product
			next.Code = NewCode()
			next.Revision++
			err := st.Save(ctx, next, l.Owner, l.Revision, events.ProductUpdated, "")
			switch {
			case errors.Is(err, ErrStale):
				// Written meanwhile (by another replica's back-fill, or a producer): bring the
				// model the stored copy, which the next round skips or codes.
				if cur, err := st.Get(ctx, l.ID); err == nil {
					st.stored(cur.Product, cur.Owner)
				}
			case err != nil:
				return done, err
			default:
				done++
			}
		}
		notify()
	}
	return done, nil
}
