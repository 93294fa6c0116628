package exhibitorapp

import (
	"archive/zip"
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/dev/testenv/pdftext"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// place makes producer c apply to fair with product, approved by org, and gives it booth code in zone.
func (f fixture) place(t *testing.T, c, org testenv.Client, fair, product, code, zone string) {
	t.Helper()
	app := apply(t, c, fair, product)
	review(t, org, app, "approve")
	f.publishAssignment(t, events.BoothAssigned, events.BoothAssignmentV1{AssignmentID: uuid.Must(uuid.NewV7()).String(), FairID: fair,
		BoothCode: code, Zone: zone, ApplicationID: app, ProducerID: "p"})
}

// A placed exhibitor's poster shows its booth and every product's name with its diacritics,
// over as many pages as its products need; only the producer itself and the fair's organisers
// print it, and the organisers download every poster of the fair as one ZIP.
func TestBoothPostersShowTheBoothAndEveryProduct(t *testing.T) {
	f := startVerify(t)
	orgTok, orgID := f.tokens.Token(t, "organiser", "")
	org := f.api.With(orgTok)
	f.publishFair(t, openFair("fair-poster", orgID), events.FairPublished)
	issued := time.Now().AddDate(-1, 0, 0).Format(time.DateOnly)
	a, aID, first := f.producerWithProduct(t, "1700000911", "Mật ong hoa bạc hà", 4, issued)
	names := []string{"Mật ong hoa bạc hà"}
	for _, n := range []string{"Chè Shan tuyết cổ thụ", "Mắm tôm Ba Làng", "Nước mắm Hàm Ninh", "Gạo ST25 Sóc Trăng",
		"Bưởi Đoan Hùng", "Cà phê Buôn Ma Thuột", "Rượu ngô Bắc Hà", "Hạt điều Bình Phước"} {
		addProduct(t, a, aID, n, issued)
		names = append(names, n)
	}
	// A name with an emoji prints without it: one broke every poster of the fair (the PDF library
	// draws nothing beyond U+FFFF; the ZIP came back empty, 200).
	addProduct(t, a, aID, "Mật ong rừng 🍯 U Minh", issued)
	names = append(names, "Mật ong rừng U Minh")
	b, _, other := f.producerWithProduct(t, "1700000912", "Nước mắm Phú Quốc", 4, issued)
	testenv.Eventually(t, "the fair in the read model", func() bool { return org.Do(t, "GET", "/api/fairs/fair-poster/applications", nil).Status == 200 })
	f.place(t, a, org, "fair-poster", first, "A07", "Khu A")
	f.place(t, b, org, "fair-poster", other, "B02", "Khu B")

	path := "/api/fairs/fair-poster/posters/" + aID + ".pdf"
	var r testenv.Response
	testenv.Eventually(t, "the booth on the poster", func() bool {
		r = a.Do(t, "GET", path, nil)
		return r.Status == 200 && strings.Contains(pdftext.Text(t, r.Body), "A07")
	})
	if r.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("Content-Type %q, want application/pdf", r.Header.Get("Content-Type"))
	}
	text := pdftext.Text(t, r.Body)
	for _, want := range append(names, "Gian hàng A07", "Khu A", "HTX Nước mắm Phú Quốc 1700000911", "Hội chợ OCOP Hà Nội",
		"Quét mã để kiểm tra sản phẩm OCOP", "OCOP 4 sao", "https://hoicho.example.vn/v/", "Trang 2/2") {
		if !strings.Contains(text, want) {
			t.Errorf("the poster's text lacks %q:\n%s", want, text)
		}
	}
	if r := org.Do(t, "GET", path+"?size=A5", nil); r.Status != 200 || !strings.Contains(pdftext.Text(t, r.Body), "Mật ong hoa bạc hà") {
		t.Errorf("the organiser's A5 poster: %d", r.Status)
	}
	if r := a.Do(t, "GET", path+"?size=A3", nil); r.Status != 422 {
		t.Errorf("size A3: %d, want 422", r.Status)
	}
	if r := b.Do(t, "GET", path, nil); r.Status != 403 {
		t.Errorf("another producer's poster: %d, want 403", r.Status)
	}
	if r := b.Do(t, "GET", "/api/fairs/fair-poster/posters.zip", nil); r.Status != 403 {
		t.Errorf("a producer downloads every poster: %d, want 403", r.Status)
	}

	r = org.Do(t, "GET", "/api/fairs/fair-poster/posters.zip", nil)
	z, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if r.Status != 200 || err != nil {
		t.Fatalf("posters.zip: %d %v", r.Status, err)
	}
	var files []string
	for _, zf := range z.File {
		files = append(files, zf.Name)
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !strings.Contains(pdftext.Text(t, body), "Gian hàng "+zf.Name[:3]) {
			t.Errorf("%s in the ZIP: %v, want the poster of booth %s", zf.Name, err, zf.Name[:3])
		}
	}
	want := []string{"A07-htx-nuoc-mam-phu-quoc-1700000911.pdf", "B02-htx-nuoc-mam-phu-quoc-1700000912.pdf"}
	if !slices.Equal(files, want) {
		t.Errorf("posters.zip holds %q, want %q", files, want)
	}
}
