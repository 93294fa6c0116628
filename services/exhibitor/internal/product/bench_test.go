package product

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/httpx"
	"github.com/ocopfair/ocopfair/pkg/ocop"
	"github.com/ocopfair/ocopfair/pkg/openapi"
)

// benchCatalogue stores n products of 200 producers (in bulk: the benchmark measures reads) and
// returns handlers of the product routes answering from the loaded read model and, as before
// it, from the database.
func benchCatalogue(b *testing.B, n int) (model, database http.Handler) {
	b.Helper()
	st := NewStore(testenv.DB(b))
	provinces := []string{"Kiên Giang", "Hà Nội", "Lâm Đồng", "Thái Nguyên", "Cà Mau", "Quảng Ninh"}
	kinds := []string{"Mật ong", "Nước mắm", "Chè", "Gạo", "Cà phê", "Mắm tôm", "Bánh pía", "Yến sào", "Rượu cần", "Tỏi"}
	places := []string{"Phú Quốc", "Tân Cương", "Khánh Hòa", "Lý Sơn", "Sóc Trăng", "Đà Lạt", "Hà Giang", "U Minh"}
	now := time.Now()
	var docs []any
	for i := range n {
		prov, _ := ocop.LookupProvince(provinces[i%len(provinces)])
		o := Owner{ProducerID: fmt.Sprintf("producer-%03d", i%200), Name: fmt.Sprintf("HTX %d", i%200), Province: prov, Revision: 1}
		f := valid()
		f.NameVI, f.CriteriaSet, f.Stars = ptr(fmt.Sprintf("%s hoa %s loại %d JR%d", kinds[i%len(kinds)], places[i%len(places)], i%7, i)), ptr(1+i%26), ptr(3+i%3)
		f.IssuedOn = ptr(now.AddDate(0, 0, -(i % 900)))
		p, err := New(uuid.Must(uuid.NewV7()).String(), o.ProducerID, f, now)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, toDocument(p, o))
	}
	for batch := range slices.Chunk(docs, 1000) {
		if _, err := st.c.InsertMany(context.Background(), batch); err != nil {
			b.Fatal(err)
		}
	}
	m := NewCatalogue(st)
	if _, err := m.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	handler := func(c *Catalogue) http.Handler {
		r := gin.New()
		(&Routes{Store: st, Catalogue: c, Notify: func() {}, Now: time.Now}).Register(httpx.API{Router: r, Doc: openapi.New("bench", "1", "")})
		return r
	}
	return handler(m), handler(nil)
}

// BenchmarkCatalogue measures the public catalogue and its search over 10,000 products through
// the product routes in-process (no network, no middleware), from the read model and, for
// comparison, from the database:
// go test -run '^$' -bench Catalogue -benchtime 100x ./internal/product/
func BenchmarkCatalogue(b *testing.B) {
	model, database := benchCatalogue(b, 10_000)
	for _, c := range []struct{ name, path string }{
		{"Page", "/api/products?limit=20"},
		{"Filtered", "/api/products?limit=20&min_stars=5&province=L%C3%A2m+%C4%90%E1%BB%93ng"},
		{"SearchMatOng", "/api/products?limit=20&q=" + url.QueryEscape("mat ong")},
		{"SearchJR12", "/api/products?limit=20&q=" + url.QueryEscape("mật ong jr12")},
		{"Producer", "/api/producers/producer-007/products?limit=20"},
	} {
		for _, h := range []struct {
			name string
			h    http.Handler
		}{{"memory", model}, {"database", database}} {
			b.Run(c.name+"/"+h.name, func(b *testing.B) {
				var lat []time.Duration
				for b.Loop() {
					start := time.Now()
					w := httptest.NewRecorder()
					h.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, c.path, nil))
					lat = append(lat, time.Since(start))
					if w.Code != http.StatusOK {
						b.Fatalf("GET %s: %d %s", c.path, w.Code, w.Body)
					}
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}
