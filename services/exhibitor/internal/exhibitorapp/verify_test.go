package exhibitorapp

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
	"github.com/ocopfair/ocopfair/pkg/vntext"
)

// startVerify starts the service with a short flush of counted views and a public URL of its own.
func startVerify(t *testing.T) fixture {
	t.Helper()
	_, natsURL := testenv.NATS(t)
	tokens := testenv.NewTokens(t)
	cfg := Config{Config: testenv.ServiceConfig(t, "exhibitor", natsURL), SweepInterval: time.Hour,
		PublicURL: "https://hoicho.example.vn", ScanFlushInterval: 200 * time.Millisecond}
	app, err := New(t.Context(), cfg, testWriter{t}, tokens.Keys)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{app: app, api: testenv.Client{Base: testenv.Serve(t, app.Run)}, tokens: tokens, js: app.Host.JS}
}

type scansAnswer struct {
	Code  string
	URL   string
	Total int
	ByDay []struct {
		Day   string
		Count int
	} `json:"by_day"`
	ByFair []struct {
		FairID   string `json:"fair_id"`
		FairName string `json:"fair_name"`
		Count    int
	} `json:"by_fair"`
}

type verifyAnswer struct {
	Code        string
	Name        string
	Stars       int
	Certificate struct {
		DecisionNo string `json:"decision_no"`
		Level      string
		Status     string
		StatusText string `json:"status_text"`
		ExpiresOn  string `json:"expires_on"`
	}
	Producer struct {
		Name, Kind, Commune, Phone string
		ProvinceName               string `json:"province_name"`
	}
	CriteriaSet struct {
		Number     int
		Name       string
		SectorName string `json:"sector_name"`
	} `json:"criteria_set"`
	WhereToBuy []struct {
		FairID  string `json:"fair_id"`
		Running bool   `json:"running_now"`
		Booths  []struct{ Code, Zone string }
	} `json:"where_to_buy"`
	StarsMeaning string `json:"stars_meaning"`
}

// codeOf returns a product's public code and URL, as its producer reads them.
func codeOf(t *testing.T, c testenv.Client, productID string) scansAnswer {
	t.Helper()
	var s scansAnswer
	if r := c.Do(t, "GET", "/api/products/"+productID+"/scans", nil); r.Status != 200 {
		t.Fatalf("scans of %s: %d %s", productID, r.Status, r.Body)
	} else {
		r.Decode(t, &s)
	}
	if len(s.Code) != 11 || s.URL != "https://hoicho.example.vn/v/"+s.Code {
		t.Fatalf("code %q, URL %q: want 11 characters and the public URL", s.Code, s.URL)
	}
	return s
}

// A product's public verification shows its certificate's status as of the request, in the
// asked language, without sign-in; an expired certificate is shown as expired.
func TestVerificationShowsTheStatusOfTheCertificate(t *testing.T) {
	f := startVerify(t)
	now := time.Now().In(vntext.Zone)
	a, aID, valid := f.producerWithProduct(t, "1700000901", "Nước mắm Phú Quốc", 4, now.AddDate(-1, 0, 0).Format(time.DateOnly))
	expiring := addProduct(t, a, aID, "Mắm cá cơm", now.AddDate(-3, 0, 30).Format(time.DateOnly))
	expired := addProduct(t, a, aID, "Mắm ruốc", now.AddDate(-3, -1, 0).Format(time.DateOnly))
	tests := []struct {
		product, status, vi, en string
	}{
		{valid, "valid", "Còn hiệu lực", "Valid"},
		{expiring, "expiring", "Sắp hết hạn", "Expiring soon"},
		{expired, "expired", "Đã hết hạn", "Expired"},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			code := codeOf(t, a, tt.product).Code
			var vi, en verifyAnswer
			r := f.api.Do(t, "GET", "/api/verify/"+code, nil)
			if r.Status != 200 || r.Header.Get("Cache-Control") != "public, max-age=60" || !strings.Contains(r.Header.Get("Vary"), "Accept-Language") {
				t.Fatalf("GET /api/verify/%s: %d, Cache-Control %q, Vary %q: %s", code, r.Status, r.Header.Get("Cache-Control"), r.Header.Get("Vary"), r.Body)
			}
			r.Decode(t, &vi)
			f.api.Do(t, "GET", "/api/verify/"+code, nil, "Accept-Language", "en-GB,en;q=0.9").Decode(t, &en)
			if vi.Certificate.Status != tt.status || vi.Certificate.StatusText != tt.vi || en.Certificate.StatusText != tt.en {
				t.Errorf("status %q (%q, %q), want %s (%q, %q)", vi.Certificate.Status, vi.Certificate.StatusText, en.Certificate.StatusText, tt.status, tt.vi, tt.en)
			}
			if vi.Code != code || vi.Stars != 4 || vi.Certificate.Level != "province" || vi.Certificate.DecisionNo == "" ||
				vi.Producer.Kind != "cooperative" || vi.Producer.Commune != "Đặc khu Phú Quốc" || vi.Producer.ProvinceName != "An Giang" ||
				vi.CriteriaSet.Number != 9 || vi.CriteriaSet.SectorName != "Thực phẩm" || en.CriteriaSet.SectorName != "Food" ||
				!strings.Contains(vi.CriteriaSet.Name, "nước mắm") || en.CriteriaSet.Name == vi.CriteriaSet.Name ||
				!strings.Contains(vi.StarsMeaning, "36 tháng") || !strings.Contains(en.StarsMeaning, "36 months") {
				t.Errorf("answer %+v / %+v: want the product, its producer and criteria set in both languages", vi, en)
			}
			tag := r.Header.Get("ETag")
			if again := f.api.Do(t, "GET", "/api/verify/"+code, nil, "If-None-Match", tag); again.Status != 304 || len(again.Body) != 0 {
				t.Errorf("If-None-Match %s: %d %q, want 304 and no body", tag, again.Status, again.Body)
			}
		})
	}
	for _, code := range []string{"abcdefghjkm", "ABC", "0000000000o"} {
		if r := f.api.Do(t, "GET", "/api/verify/"+code, nil); r.Status != 404 {
			t.Errorf("GET /api/verify/%s: %d, want 404", code, r.Status)
		}
	}
	other, _ := f.tokens.Token(t, "producer", "")
	if r := f.api.With(other).Do(t, "GET", "/api/products/"+valid+"/qr.png", nil); r.Status != 403 {
		t.Errorf("another producer's QR: %d, want 403", r.Status)
	}
}

// The QR codes carry the exact public URL: the PNG decodes back to it, the SVG is one path of
// the code's modules.
func TestQRCodesCarryThePublicURL(t *testing.T) {
	f := startVerify(t)
	a, _, prod := f.producerWithProduct(t, "1700000902", "Mật ong bạc hà", 4, time.Now().AddDate(-1, 0, 0).Format(time.DateOnly))
	want := codeOf(t, a, prod).URL
	r := a.Do(t, "GET", "/api/products/"+prod+"/qr.png", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	got, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil || got.GetText() != want {
		t.Errorf("qr.png decodes to %v (%v), want %q", got, err, want)
	}
	r = a.Do(t, "GET", "/api/products/"+prod+"/qr.svg", nil)
	var svg struct {
		ViewBox string `xml:"viewBox,attr"`
		Path    struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(r.Body, &svg); err != nil || r.Header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("qr.svg: %v, %s %s", err, r.Header.Get("Content-Type"), r.Body)
	}
	// Version 3 or more (29+ modules) with the quiet zone; far more than 100 dark modules.
	if !strings.HasPrefix(svg.ViewBox, "0 0 ") || strings.Count(svg.Path.D, "h1v1h-1z") < 100 {
		t.Errorf("qr.svg viewBox %q with %d modules, want a QR code", svg.ViewBox, strings.Count(svg.Path.D, "h1v1h-1z"))
	}
}

// Views are counted per product, day and the fair running where the producer holds booths,
// stored in batches and published; the producer sees them, and the page says where to buy.
func TestVerificationViewsAreCountedAndSayWhereToBuy(t *testing.T) {
	f := startVerify(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	fair := openFair("fair-qr", orgID)
	f.publishFair(t, fair, events.FairPublished)
	a, _, prod := f.producerWithProduct(t, "1700000903", "Nước mắm Hàm Ninh", 4, time.Now().AddDate(-1, 0, 0).Format(time.DateOnly))
	testenv.Eventually(t, "the fair in the read model", func() bool { return org.Do(t, "GET", "/api/fairs/fair-qr/applications", nil).Status == 200 })
	app := apply(t, a, "fair-qr", prod)
	review(t, org, app, "approve")
	f.publishAssignment(t, events.BoothAssigned, events.BoothAssignmentV1{AssignmentID: uuid.Must(uuid.NewV7()).String(), FairID: "fair-qr",
		BoothCode: "A07", Zone: "Khu A", ApplicationID: app, ProducerID: "p"})
	today := time.Now().In(vntext.Zone)
	fair.Status, fair.Revision = "live", 3
	fair.StartDate, fair.EndDate = today.AddDate(0, 0, -1).Format(time.DateOnly), today.AddDate(0, 0, 3).Format(time.DateOnly)
	f.publishFair(t, fair, events.FairStarted)
	code := codeOf(t, a, prod).Code

	var v verifyAnswer
	testenv.Eventually(t, "the booth on the verification page", func() bool {
		v = verifyAnswer{}
		f.api.Do(t, "GET", "/api/verify/"+code, nil).Decode(t, &v)
		return len(v.WhereToBuy) == 1 && v.WhereToBuy[0].Running && len(v.WhereToBuy[0].Booths) == 1
	})
	if b := v.WhereToBuy[0].Booths[0]; b.Code != "A07" || b.Zone != "Khu A" || v.WhereToBuy[0].FairID != "fair-qr" {
		t.Errorf("where to buy %+v, want booth A07 in Khu A at fair-qr", v.WhereToBuy)
	}
	for range 4 {
		f.api.Do(t, "GET", "/api/verify/"+code, nil)
	}
	// The views counted while waiting for the booth, and these four, are stored and published.
	var s scansAnswer
	testenv.Eventually(t, "the counted views stored", func() bool {
		s = codeOf(t, a, prod)
		return len(s.ByFair) == 1 && s.ByFair[0].Count >= 5
	})
	day := today.Format(time.DateOnly)
	if s.ByFair[0].FairID != "fair-qr" || s.ByFair[0].FairName != fair.NameVI || len(s.ByDay) != 1 || s.ByDay[0].Day != day || s.Total < 5 {
		t.Errorf("scans %+v, want at least 5 today at fair-qr", s)
	}
	testenv.Eventually(t, "the counts published", func() bool {
		n := 0
		for _, env := range f.messages(t, events.ScansCounted) {
			var b events.ScansCountedV1
			if err := env.Decode(&b); err != nil {
				t.Fatal(err)
			}
			for _, c := range b.Counts {
				if c.ProductID == prod && c.FairID == "fair-qr" && c.Day == day {
					n += c.Count
				}
			}
		}
		return n == s.ByFair[0].Count
	})
}

// Products stored before public codes existed get one when a replica starts, once: the other
// replica learns the same code from the stream.
func TestOlderProductsGetTheirPublicCodeAtStart(t *testing.T) {
	_, natsURL := testenv.NATS(t)
	uri := testenv.SharedURI(t)
	tokens := testenv.NewTokens(t)
	one := replica(t, natsURL, uri, tokens)
	a, aID, first := one.producerWithProduct(t, "1700000904", "Chè Shan tuyết", 4, time.Now().AddDate(-1, 0, 0).Format(time.DateOnly))
	second := addProduct(t, a, aID, "Chè búp", time.Now().AddDate(-1, 0, 0).Format(time.DateOnly))
	if _, err := one.app.Host.DB.Collection("products").UpdateMany(t.Context(), bson.M{}, bson.M{"$unset": bson.M{"code": ""}}); err != nil {
		t.Fatal(err)
	}
	two := replica(t, natsURL, uri, tokens)
	codes := map[string]string{}
	for _, id := range []string{first, second} {
		var s scansAnswer
		testenv.Eventually(t, "a code for "+id, func() bool {
			r := two.api.With(a.Token).Do(t, "GET", "/api/products/"+id+"/scans", nil)
			if r.Status == 200 {
				r.Decode(t, &s)
			}
			return r.Status == 200 && s.Code != ""
		})
		codes[id] = s.Code
		testenv.Eventually(t, "the first replica learns "+s.Code, func() bool {
			var o scansAnswer
			r := one.api.With(a.Token).Do(t, "GET", "/api/products/"+id+"/scans", nil)
			r.Decode(t, &o)
			return o.Code == s.Code
		})
		if r := one.api.Do(t, "GET", "/api/verify/"+s.Code, nil); r.Status != 200 {
			t.Errorf("verify %s on the first replica: %d", s.Code, r.Status)
		}
	}
	if codes[first] == codes[second] {
		t.Errorf("both products got code %s", codes[first])
	}
}

// The public verification shows the product's photo uploaded here, never an address the producer
// typed: a visitor who scans the code loads nothing from elsewhere.
func TestVerificationShowsOnlyThePhotoUploadedHere(t *testing.T) {
	f := startVerify(t)
	a, _, id := f.producerWithProduct(t, "1700000911", "Nước mắm Phú Quốc", 4, time.Now().AddDate(-1, 0, 0).Format(time.DateOnly))
	code := codeOf(t, a, id).Code
	imageOf := func() string {
		t.Helper()
		var v struct {
			ImageURL string `json:"image_url"`
		}
		f.api.Do(t, "GET", "/api/verify/"+code, nil).Decode(t, &v)
		return v.ImageURL
	}
	if r := a.Do(t, "PATCH", "/api/products/"+id, map[string]any{"image_urls": []string{"https://tracker.example/pixel.gif?v=1"}}); r.Status != 200 {
		t.Fatalf("image_urls: %d %s", r.Status, r.Body)
	}
	testenv.Eventually(t, "the change in the catalogue", func() bool {
		return strings.Contains(string(f.api.Do(t, "GET", "/api/products/"+id, nil).Body), "tracker.example")
	})
	if got := imageOf(); got != "" {
		t.Errorf("the verification shows %q, an address the producer typed", got)
	}
	url := photoURLOf(t, putPhoto(t, a, id, jpegOf(t, 800, 600), "image/jpeg"))
	testenv.Eventually(t, "the uploaded photo on the verification", func() bool { return imageOf() == url+"&size=thumb" })
	if r := f.api.Do(t, "GET", imageOf(), nil); r.Status != 200 || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("the verification's photo: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}
